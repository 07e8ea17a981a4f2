//! Host names of cloud metadata services, refused by name before any lookup.
//!
//! Inside a cloud, these names resolve to the metadata service (169.254.169.254 and the like),
//! which the address policy refuses anyway; outside one they don't resolve, and registration
//! accepts a name it can't resolve. Refusing them by name gives a clear answer at registration
//! wherever hookd runs, and keeps refusing them if a resolver ever maps them somewhere the
//! address policy would let through (a NAT64 prefix, an allowed network).

/// Metadata host names, lowercase, without a trailing dot: Google Cloud's (`metadata`,
/// `metadata.google.internal`, `metadata.goog`), AWS's (`instance-data`,
/// `instance-data.ec2.internal`; regional `instance-data.<region>.compute.internal` is matched
/// by [`is_metadata_name`]) and Tencent Cloud's.
pub const METADATA_NAMES: &[&str] = &[
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
    "metadata.tencentyun.com",
];

/// Whether `host` names a cloud metadata service, whatever its case and with or without the
/// trailing dot of a fully qualified name.
pub fn is_metadata_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    METADATA_NAMES.contains(&host.as_str())
        || (host.starts_with("instance-data.") && host.ends_with(".compute.internal"))
}

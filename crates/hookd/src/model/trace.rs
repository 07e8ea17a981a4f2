//! W3C Trace Context: the `traceparent` and `tracestate` headers a publisher may send with an
//! event, parsed as the recommendation tells receivers to (an invalid `traceparent` is ignored,
//! an invalid `tracestate` is dropped and the `traceparent` kept), stored with the event, and
//! sent on with every attempt as a child: the same trace id and flags, a new span id per attempt.

use std::fmt;

/// The most list members a `tracestate` may hold.
pub const MAX_TRACESTATE_MEMBERS: usize = 32;

/// A valid `traceparent`: which trace a request belongs to and the span that made it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceParent {
    trace_id: [u8; 16],
    parent_id: [u8; 8],
    flags: u8,
}

/// The trace context an event was published in, as stored and propagated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    pub parent: TraceParent,
    /// Vendors' own state, passed on as received (normalised); `None` when absent or invalid.
    pub state: Option<String>,
}

/// Why a `traceparent` is not valid (it is then ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTraceParent {
    #[error("not version-traceid-parentid-flags in lowercase hex")]
    Format,
    #[error("version ff is invalid")]
    ForbiddenVersion,
    #[error("an all-zero trace id or parent id is invalid")]
    ZeroId,
}

impl TraceParent {
    /// Parses a `traceparent` value as a receiver must: version 00 exactly, a later version by
    /// its first four fields (ignoring what follows a dash after the flags).
    pub fn parse(text: &str) -> Result<Self, InvalidTraceParent> {
        let text = text.trim_matches([' ', '\t']);
        let bytes = text.as_bytes();
        if bytes.len() < 55 || !is_lower_hex(&bytes[..2]) || bytes[2] != b'-' {
            return Err(InvalidTraceParent::Format);
        }
        let version = &text[..2];
        if version == "ff" {
            return Err(InvalidTraceParent::ForbiddenVersion);
        }
        let fits = if version == "00" {
            bytes.len() == 55
        } else {
            bytes.len() == 55 || bytes[55] == b'-'
        };
        let dashes = bytes[35] == b'-' && bytes[52] == b'-';
        let fields = [&bytes[3..35], &bytes[36..52], &bytes[53..55]];
        if !fits || !dashes || !fields.iter().all(|f| is_lower_hex(f)) {
            return Err(InvalidTraceParent::Format);
        }
        let mut trace_id = [0; 16];
        let mut parent_id = [0; 8];
        let mut flags = [0; 1];
        hex::decode_to_slice(fields[0], &mut trace_id).map_err(|_| InvalidTraceParent::Format)?;
        hex::decode_to_slice(fields[1], &mut parent_id).map_err(|_| InvalidTraceParent::Format)?;
        hex::decode_to_slice(fields[2], &mut flags).map_err(|_| InvalidTraceParent::Format)?;
        if trace_id == [0; 16] || parent_id == [0; 8] {
            return Err(InvalidTraceParent::ZeroId);
        }
        // Of a later version's flags only the sampled bit is known.
        let flags = if version == "00" {
            flags[0]
        } else {
            flags[0] & 1
        };
        Ok(Self {
            trace_id,
            parent_id,
            flags,
        })
    }

    pub fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    pub fn parent_id(&self) -> [u8; 8] {
        self.parent_id
    }

    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the caller recorded its part of the trace.
    pub fn sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The `traceparent` of a request made by span `span_id` within the same trace.
    pub fn child(&self, span_id: [u8; 8]) -> Self {
        Self {
            parent_id: span_id,
            ..*self
        }
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "00-{}-{}-{:02x}",
            hex::encode(self.trace_id),
            hex::encode(self.parent_id),
            self.flags
        )
    }
}

impl fmt::Debug for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl TraceContext {
    /// The context of a request's `traceparent` and `tracestate` headers (each `None` when
    /// absent; several `tracestate` headers are joined with commas first). `None` when there is
    /// no valid `traceparent`, whatever `tracestate` holds.
    pub fn from_headers(traceparent: Option<&str>, tracestate: Option<&str>) -> Option<Self> {
        let parent = TraceParent::parse(traceparent?).ok()?;
        Some(Self {
            parent,
            state: tracestate.and_then(normalised_tracestate),
        })
    }

    /// From stored columns, which hold only values this module wrote.
    pub fn from_stored(traceparent: Option<&str>, tracestate: Option<String>) -> Option<Self> {
        Some(Self {
            parent: TraceParent::parse(traceparent?).ok()?,
            state: tracestate,
        })
    }
}

/// A valid `tracestate` with its optional whitespace and empty members taken out, or `None`
/// when it is invalid (too many members, a malformed or repeated key, a malformed value) or
/// empty.
pub fn normalised_tracestate(text: &str) -> Option<String> {
    let mut keys: Vec<&str> = Vec::new();
    for member in text.split(',') {
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue;
        }
        let (key, value) = member.split_once('=')?;
        if !valid_key(key) || !valid_value(value) || keys.contains(&key) {
            return None;
        }
        keys.push(key);
        if keys.len() > MAX_TRACESTATE_MEMBERS {
            return None;
        }
    }
    if keys.is_empty() {
        return None;
    }
    let members: Vec<&str> = text
        .split(',')
        .map(|member| member.trim_matches([' ', '\t']))
        .filter(|member| !member.is_empty())
        .collect();
    Some(members.join(","))
}

/// `simple-key` or `tenant-id@system-id`.
fn valid_key(key: &str) -> bool {
    let allowed = |c: u8| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/');
    match key.split_once('@') {
        None => {
            key.len() <= 256
                && key.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                && key.bytes().all(allowed)
        }
        Some((tenant, system)) => {
            (1..=241).contains(&tenant.len())
                && tenant
                    .as_bytes()
                    .first()
                    .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && tenant.bytes().all(allowed)
                && (1..=14).contains(&system.len())
                && system.as_bytes()[0].is_ascii_lowercase()
                && system.bytes().all(allowed)
        }
    }
}

/// Up to 256 printable ASCII characters but `,` and `=`, not ending in a space.
fn valid_value(value: &str) -> bool {
    (1..=256).contains(&value.len())
        && value
            .bytes()
            .all(|c| matches!(c, 0x20..=0x7e) && c != b',' && c != b'=')
        && !value.ends_with(' ')
}

fn is_lower_hex(bytes: &[u8]) -> bool {
    bytes.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests;

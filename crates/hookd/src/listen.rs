//! `hookd listen`: a local receiver for trying hookd out. It prints every webhook it gets and,
//! given the webhook's key, checks its signatures the way a receiver should: with a `whsec_`
//! secret the Standard Webhooks v1 signature and the simple header, with a `whpk_` public key
//! (or the `whsk_` key it belongs to) the v1a signature.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;

/// What `hookd listen` checks each request with.
#[derive(Debug, Clone)]
pub enum Verifier {
    /// Nothing: signatures are not checked.
    None,
    /// A v1 secret (`whsec_`): `webhook-signature` and the simple header with its prefix.
    Secret {
        secret: String,
        simple_header: String,
        simple_prefix: String,
    },
    /// A v1a public key (`whpk_`): `webhook-signature` only.
    PublicKey(String),
}

impl Verifier {
    /// From `--secret` and the simple header's flags. A `whsk_` key is turned into its public
    /// key (what a receiver would hold).
    pub fn new(
        key: Option<String>,
        simple_header: String,
        simple_prefix: String,
    ) -> anyhow::Result<Self> {
        let Some(key) = key else {
            return Ok(Self::None);
        };
        if key.starts_with(hookd_verify::PUBLIC_KEY_PREFIX) {
            hookd_verify::public_key_bytes(&key).map_err(|e| anyhow::anyhow!("--secret: {e}"))?;
            return Ok(Self::PublicKey(key));
        }
        if key.starts_with(hookd_verify::SIGNING_KEY_PREFIX) {
            let signing = hookd_verify::SigningKey::parse(&key)
                .map_err(|e| anyhow::anyhow!("--secret: {e}"))?;
            return Ok(Self::PublicKey(signing.public_key()));
        }
        hookd_verify::standard_key(&key).map_err(|e| anyhow::anyhow!("--secret: {e}"))?;
        Ok(Self::Secret {
            secret: key,
            simple_header: simple_header.to_ascii_lowercase(),
            simple_prefix,
        })
    }
}

/// Serves on `address` until interrupted, answering every request with `status`.
pub async fn run(
    address: SocketAddr,
    verifier: Verifier,
    status: StatusCode,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    println!("listening on http://{address}/ (answering {status}); Ctrl-C to stop");
    let app = Router::new()
        .fallback(receive)
        .with_state(Arc::new((verifier, status)));
    axum::serve(listener, app)
        .with_graceful_shutdown(crate::app::shutdown_signal())
        .await?;
    Ok(())
}

async fn receive(
    State(settings): State<Arc<(Verifier, StatusCode)>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (verifier, status) = &*settings;
    let header = |name: &str| header_value(&headers, name);
    println!(
        "── {} {} {} attempt {} (delivery {})",
        crate::model::Timestamp::now(),
        header("x-webhook-event"),
        header("webhook-id"),
        header("x-webhook-attempt"),
        header("x-webhook-delivery")
    );
    println!("   {}", verdicts(verifier, &header, &body));
    println!("   {}", String::from_utf8_lossy(&body));
    *status
}

/// A header's value, or `-` when it is missing or not text.
fn header_value<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
}

/// One line saying whether each signature the verifier can check is valid.
fn verdicts<'h>(verifier: &Verifier, header: &dyn Fn(&str) -> &'h str, body: &[u8]) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let verdict = |r: Result<(), hookd_verify::VerifyError>| match r {
        Ok(()) => "valid".to_owned(),
        Err(e) => format!("INVALID ({e})"),
    };
    let (id, timestamp, signatures) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let tolerance = hookd_verify::DEFAULT_TOLERANCE_SECS;
    match verifier {
        Verifier::None => {
            "(signatures not checked: pass --secret whsec_... or --secret whpk_... to check them)"
                .to_owned()
        }
        Verifier::Secret {
            secret,
            simple_header,
            simple_prefix,
        } => {
            let standard = hookd_verify::verify_standard(
                secret, id, timestamp, body, signatures, now, tolerance,
            );
            let simple =
                hookd_verify::verify_simple(secret, body, header(simple_header), simple_prefix);
            format!(
                "webhook-signature (v1): {}, {simple_header}: {}",
                verdict(standard),
                verdict(simple)
            )
        }
        Verifier::PublicKey(public_key) => {
            let standard = hookd_verify::verify_standard_v1a(
                public_key, id, timestamp, body, signatures, now, tolerance,
            );
            format!("webhook-signature (v1a): {}", verdict(standard))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        crate::model::Timestamp::now().as_unix_seconds()
    }

    /// `--secret` takes a v1 secret, a v1a public key, or the v1a key it comes from (checked
    /// with its public key); anything else stops the command with the reason.
    #[test]
    fn the_key_given_picks_what_is_checked() {
        let key = hookd_verify::SigningKey::from_seed(&[3; 32]);
        let from_key = Verifier::new(Some(key.to_secret()), String::new(), String::new()).unwrap();
        assert!(matches!(from_key, Verifier::PublicKey(ref k) if *k == key.public_key()));
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned();
        let v1 = Verifier::new(Some(secret), "X-Hub-Signature-256".into(), "sha256=".into());
        assert!(
            matches!(v1.unwrap(), Verifier::Secret { simple_header, .. } if simple_header == "x-hub-signature-256")
        );
        for bad in ["whpk_short", "whsk_###", "whsec_###"] {
            let error = Verifier::new(Some(bad.into()), String::new(), String::new()).unwrap_err();
            assert!(error.to_string().starts_with("--secret: "), "{error}");
        }
    }

    /// A request signed with a v1a key reads as valid with its public key, a changed body as
    /// invalid; with a v1 secret both signatures are checked, the simple one under its name.
    #[test]
    fn verdicts_say_which_signatures_verify() {
        let key = hookd_verify::SigningKey::from_seed(&[4; 32]);
        let ts = now().to_string();
        let signature = key.sign("evt_1", now(), b"{}");
        let v1a_headers = |name: &str| match name {
            "webhook-id" => "evt_1",
            "webhook-timestamp" => ts.as_str(),
            "webhook-signature" => signature.as_str(),
            _ => "-",
        };
        let verifier = Verifier::PublicKey(key.public_key());
        assert_eq!(
            verdicts(&verifier, &v1a_headers, b"{}"),
            "webhook-signature (v1a): valid"
        );
        assert!(verdicts(&verifier, &v1a_headers, b"[]").contains("INVALID"));

        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let standard = hookd_verify::sign_standard(
            &hookd_verify::standard_key(secret).unwrap(),
            "evt_1",
            now(),
            b"{}",
        );
        let simple = format!("v0={}", hookd_verify::sign_hex(secret, b"{}"));
        let v1_headers = |name: &str| match name {
            "webhook-id" => "evt_1",
            "webhook-timestamp" => ts.as_str(),
            "webhook-signature" => standard.as_str(),
            "x-signature" => simple.as_str(),
            _ => "-",
        };
        let verifier =
            Verifier::new(Some(secret.into()), "X-Signature".into(), "v0=".into()).unwrap();
        assert_eq!(
            verdicts(&verifier, &v1_headers, b"{}"),
            "webhook-signature (v1): valid, x-signature: valid"
        );
    }
}

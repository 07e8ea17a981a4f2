//! Properties of the signature headers a receiver parses, over generated input: verification
//! never panics whatever the headers say, what is signed verifies, and any change to what was
//! signed is refused.

use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// A receiver's clock, in unix seconds, anywhere an i64 can say.
const NOW: i64 = 1_763_807_400;

fn secret() -> impl Strategy<Value = (String, Vec<u8>)> {
    prop::collection::vec(any::<u8>(), 24..=64)
        .prop_map(|key| (format!("{SECRET_PREFIX}{}", BASE64.encode(&key)), key))
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the headers hold (any signature list, any timestamp text including the
    /// extremes of i64, any secret, any clock), verification answers Ok or Err, never a panic.
    #[test]
    fn verification_never_panics_on_any_header(
        secret in ".{0,40}",
        msg_id in ".{0,20}",
        timestamp in prop_oneof![
            ".{0,22}",
            any::<i64>().prop_map(|t| t.to_string()),
            Just(i64::MIN.to_string()),
            Just(i64::MAX.to_string()),
        ],
        signatures in prop_oneof![".{0,80}", "(v1,[A-Za-z0-9+/=]{0,50} ?){0,4}"],
        now in prop_oneof![any::<i64>(), Just(NOW), Just(i64::MIN), Just(i64::MAX)],
        tolerance in prop_oneof![Just(DEFAULT_TOLERANCE_SECS), any::<i64>()],
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let _ = verify_standard(&secret, &msg_id, &timestamp, &body, &signatures, now, tolerance);
        let _ = verify_hex(&secret, &body, &signatures);
        let _ = verify_github(&secret, &body, &signatures);
        let _ = standard_key(&secret);
    }

    /// What is signed verifies, alone or among other entries of the list, within the
    /// tolerance; a timestamp outside it is stale whatever its distance.
    #[test]
    fn what_is_signed_verifies(
        (secret, key) in secret(),
        msg_id in "msg_[A-Za-z0-9]{1,26}",
        skew in -DEFAULT_TOLERANCE_SECS..=DEFAULT_TOLERANCE_SECS,
        far in prop_oneof![DEFAULT_TOLERANCE_SECS + 1..i64::MAX / 2, i64::MIN / 2..-DEFAULT_TOLERANCE_SECS],
        body in prop::collection::vec(any::<u8>(), 0..256),
        others in prop::collection::vec("v1,[A-Za-z0-9+/]{43}=", 0..3),
    ) {
        prop_assert_eq!(standard_key(&secret), Ok(key.clone()));
        let timestamp = NOW + skew;
        let signed = sign_standard(&key, &msg_id, timestamp, &body);
        let mut list = others.clone();
        list.insert(others.len() / 2, signed.clone());
        let header = list.join(" ");
        let verify = |header: &str, timestamp: i64| {
            verify_standard(&secret, &msg_id, &timestamp.to_string(), &body, header, NOW, DEFAULT_TOLERANCE_SECS)
        };
        prop_assert_eq!(verify(&header, timestamp), Ok(()));
        let stale = NOW + far;
        let stale_signed = sign_standard(&key, &msg_id, stale, &body);
        let refusal = if far > 0 {
            VerifyError::FutureTimestamp
        } else {
            VerifyError::StaleTimestamp
        };
        prop_assert_eq!(verify(&stale_signed, stale), Err(refusal));

        let hex = sign_hex(&secret, &body);
        prop_assert_eq!(verify_hex(&secret, &body, &format!("{} {hex}", "ab".repeat(32))), Ok(()));
        prop_assert_eq!(verify_hex(&secret, &body, &hex.to_uppercase()), Ok(()));
        prop_assert_eq!(verify_github(&secret, &body, &format!("sha256={hex}")), Ok(()));
        prop_assert_eq!(
            verify_github(&secret, &body, &hex),
            Err(VerifyError::MalformedHeader("X-Hub-Signature-256".into()))
        );
    }

    /// A change to the body, the id, the timestamp or the secret is refused.
    #[test]
    fn any_change_to_what_was_signed_is_refused(
        (secret, key) in secret(),
        (other_secret, _) in secret(),
        msg_id in "msg_[A-Za-z0-9]{1,26}",
        body in prop::collection::vec(any::<u8>(), 1..128),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        prop_assume!(other_secret != secret);
        let signed = sign_standard(&key, &msg_id, NOW, &body);
        let mut tampered = body.clone();
        let at = flip.index(tampered.len());
        tampered[at] ^= 1 << bit;
        let check = |secret: &str, id: &str, timestamp: i64, body: &[u8]| {
            verify_standard(secret, id, &timestamp.to_string(), body, &signed, NOW, DEFAULT_TOLERANCE_SECS)
        };
        let refused = Err(VerifyError::NoMatchingSignature);
        prop_assert_eq!(check(&secret, &msg_id, NOW, &tampered), refused.clone());
        prop_assert_eq!(check(&secret, &format!("{msg_id}x"), NOW, &body), refused.clone());
        prop_assert_eq!(check(&secret, &msg_id, NOW + 1, &body), refused.clone());
        prop_assert_eq!(check(&other_secret, &msg_id, NOW, &body), refused.clone());
        let hex = sign_hex(&secret, &body);
        prop_assert_eq!(verify_hex(&secret, &tampered, &hex), refused.clone());
        prop_assert_eq!(verify_hex(&other_secret, &body, &hex), refused);
    }
}

//! The requests of the table: for each scheme, how a valid one is signed and how it is broken.
//!
//! They are signed here with the `hmac` crate directly (and this crate's own Standard Webhooks
//! signers, which the vectors check).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use crate::{Algorithm, Encoding, HmacOptions, Scheme, SigningKey, sign_standard, standard_key};

pub(super) type Headers = Vec<(String, String)>;

/// Signs a request: the headers of one signed with a secret, over a body, at a unix time.
pub(super) type Signer = Box<dyn Fn(&str, &[u8], i64) -> Headers>;

/// How a valid request of one scheme is made, and how it is broken.
pub(super) struct Fixture {
    pub name: &'static str,
    pub scheme: Scheme,
    /// What the receiver verifies with.
    pub secret: String,
    /// What the sender signs with (the `whsk_` of a `whpk_`; else the secret itself).
    pub signer: String,
    /// Another webhook's secret.
    pub wrong_secret: String,
    /// The headers of a request signed with `signer` at the given unix time.
    pub sign: Signer,
    /// The headers the scheme cannot do without.
    pub required: Vec<&'static str>,
    /// A header set to a value not in the scheme's form.
    pub malformed: (&'static str, &'static str),
}

/// The HMAC of the concatenated parts, made here rather than by the crate.
fn mac(algorithm: Algorithm, key: &str, parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &str, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(key.as_bytes()).unwrap();
        parts.iter().for_each(|part| mac.update(part));
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Sha1 => run::<Hmac<Sha1>>(key, parts),
        Algorithm::Sha256 => run::<Hmac<Sha256>>(key, parts),
        Algorithm::Sha512 => run::<Hmac<Sha512>>(key, parts),
    }
}

fn one(name: &str, value: impl Into<String>) -> Headers {
    vec![(name.to_owned(), value.into())]
}

fn standard_headers(signature: String, timestamp: i64) -> Headers {
    vec![
        (
            "webhook-id".into(),
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W".into(),
        ),
        ("webhook-timestamp".into(), timestamp.to_string()),
        ("webhook-signature".into(), signature),
    ]
}

fn fixture(name: &'static str, scheme: Scheme, secret: &str, wrong: &str) -> Fixture {
    Fixture {
        name,
        scheme,
        secret: secret.to_owned(),
        signer: secret.to_owned(),
        wrong_secret: wrong.to_owned(),
        sign: Box::new(|_, _, _| Vec::new()),
        required: Vec::new(),
        malformed: ("", ""),
    }
}

fn standard_fixtures() -> Vec<Fixture> {
    let v1 = Fixture {
        sign: Box::new(|secret, body, at| {
            let key = standard_key(secret).unwrap();
            standard_headers(
                sign_standard(&key, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", at, body),
                at,
            )
        }),
        required: vec!["webhook-signature", "webhook-id", "webhook-timestamp"],
        malformed: ("webhook-signature", "v1=Z2hqTTlTc0UrT1RQSlRHdA"),
        ..fixture(
            "standard v1",
            Scheme::Standard,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        )
    };
    let (key, other) = (
        SigningKey::from_seed(&[1; 32]),
        SigningKey::from_seed(&[2; 32]),
    );
    let v1a_sign = |signer: &str, body: &[u8], at: i64| {
        let key = SigningKey::parse(signer).unwrap();
        standard_headers(key.sign("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", at, body), at)
    };
    let whpk = Fixture {
        signer: key.to_secret(),
        sign: Box::new(v1a_sign),
        required: v1.required.clone(),
        malformed: ("webhook-signature", "v1a:bm90IGEgc2lnbmF0dXJl"),
        ..fixture(
            "standard whpk",
            Scheme::Standard,
            &key.public_key(),
            &other.public_key(),
        )
    };
    let whsk = Fixture {
        sign: Box::new(v1a_sign),
        required: v1.required.clone(),
        malformed: whpk.malformed,
        ..fixture(
            "standard whsk",
            Scheme::Standard,
            &key.to_secret(),
            &other.to_secret(),
        )
    };
    vec![v1, whpk, whsk]
}

fn provider_fixtures() -> Vec<Fixture> {
    let hex = Fixture {
        sign: Box::new(|secret, body, _| {
            one(
                "x-webhook-signature",
                hex::encode(mac(Algorithm::Sha256, secret, &[body])),
            )
        }),
        required: vec!["x-webhook-signature"],
        malformed: (
            "x-webhook-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
        ..fixture(
            "hex",
            Scheme::Hex,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_other",
        )
    };
    let github = Fixture {
        sign: Box::new(|secret, body, _| {
            let signature = hex::encode(mac(Algorithm::Sha256, secret, &[body]));
            one("X-Hub-Signature-256", format!("sha256={signature}"))
        }),
        required: vec!["X-Hub-Signature-256"],
        malformed: (
            "X-Hub-Signature-256",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        ),
        ..fixture(
            "github",
            Scheme::Github,
            "It's a Secret to Everybody",
            "It's a Secret",
        )
    };
    let stripe = Fixture {
        sign: Box::new(|secret, body, at| {
            let signed = mac(
                Algorithm::Sha256,
                secret,
                &[at.to_string().as_bytes(), b".", body],
            );
            one(
                "Stripe-Signature",
                format!("t={at},v1={}", hex::encode(signed)),
            )
        }),
        required: vec!["Stripe-Signature"],
        malformed: (
            "Stripe-Signature",
            "v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        ),
        ..fixture(
            "stripe",
            Scheme::Stripe,
            "whsec_test_secret",
            "whsec_test_secreT",
        )
    };
    let shopify = Fixture {
        sign: Box::new(|secret, body, _| {
            one(
                "X-Shopify-Hmac-Sha256",
                BASE64.encode(mac(Algorithm::Sha256, secret, &[body])),
            )
        }),
        required: vec!["X-Shopify-Hmac-Sha256"],
        malformed: ("X-Shopify-Hmac-Sha256", "sha256=not base64!"),
        ..fixture("shopify", Scheme::Shopify, "hush", "shush")
    };
    let slack = Fixture {
        sign: Box::new(|secret, body, at| {
            let at = at.to_string();
            let signed = mac(
                Algorithm::Sha256,
                secret,
                &[b"v0:", at.as_bytes(), b":", body],
            );
            vec![
                ("X-Slack-Request-Timestamp".into(), at),
                (
                    "X-Slack-Signature".into(),
                    format!("v0={}", hex::encode(signed)),
                ),
            ]
        }),
        required: vec!["X-Slack-Signature", "X-Slack-Request-Timestamp"],
        malformed: (
            "X-Slack-Signature",
            "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        ),
        ..fixture(
            "slack",
            Scheme::Slack,
            "8f742231b10e8888abcd99yyyzzz85a5",
            "8f742231b10e8888abcd99yyyzzz85a6",
        )
    };
    vec![hex, github, stripe, shopify, slack]
}

/// A generic HMAC fixture: the signature in `header`, after `prefix`.
fn hmac_fixture(
    name: &'static str,
    (header, algorithm, encoding, prefix): (&'static str, Algorithm, Encoding, &'static str),
    malformed: &'static str,
) -> Fixture {
    let options = HmacOptions {
        header: header.to_owned(),
        algorithm,
        encoding,
        prefix: prefix.to_owned(),
    };
    Fixture {
        sign: Box::new(move |secret, body, _| {
            let signed = mac(algorithm, secret, &[body]);
            let encoded = match encoding {
                Encoding::Hex => hex::encode(signed),
                Encoding::Base64 => BASE64.encode(signed),
            };
            one(header, format!("{prefix}{encoded}"))
        }),
        required: vec![header],
        malformed: (header, malformed),
        ..fixture(
            name,
            Scheme::Hmac(options),
            "generic-hmac-secret ✓",
            "generic-hmac-secret",
        )
    }
}

fn generic_fixtures() -> Vec<Fixture> {
    let token = Fixture {
        sign: Box::new(|secret, _, _| one("X-Api-Token", secret)),
        required: vec!["X-Api-Token"],
        ..fixture(
            "token",
            Scheme::Token {
                header: "X-Api-Token".into(),
            },
            "tok_4f9c2b7e1d8a6053",
            "tok_4f9c2b7e1d8a6054",
        )
    };
    let basic = Fixture {
        sign: Box::new(|secret, _, _| {
            one("Authorization", format!("Basic {}", BASE64.encode(secret)))
        }),
        required: vec!["Authorization"],
        malformed: ("Authorization", "Bearer aG9va2Q6aHVudGVyMg=="),
        ..fixture("basic", Scheme::Basic, "hookd:hunter2", "hookd:hunter3")
    };
    let none = Fixture {
        required: vec!["Authorization"],
        malformed: ("Authorization", "garbage"),
        ..fixture("none", Scheme::None, "", "anything")
    };
    vec![
        hmac_fixture(
            "hmac sha1",
            ("X-Hub-Signature", Algorithm::Sha1, Encoding::Hex, "sha1="),
            "sha256=ab12",
        ),
        hmac_fixture(
            "hmac sha256",
            ("X-Signature", Algorithm::Sha256, Encoding::Base64, ""),
            "%%%",
        ),
        hmac_fixture(
            "hmac sha512",
            ("Authorization", Algorithm::Sha512, Encoding::Hex, "HMAC "),
            "HMAC zz",
        ),
        token,
        basic,
        none,
    ]
}

pub(super) fn fixtures() -> Vec<Fixture> {
    let mut all = standard_fixtures();
    all.extend(provider_fixtures());
    all.extend(generic_fixtures());
    all
}

//! The senders an inbox receives from, each signing exactly as its provider documents it:
//! Standard Webhooks v1 and v1a and hookd's hex scheme through `hookd_verify`'s own signing
//! functions, the others with RustCrypto's HMAC written out here (so that a mistake shared by
//! the verifier and a signer built on it cannot hide).
//!
//! | sender | what it sends |
//! | --- | --- |
//! | Standard v1 | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<ts>.<body>">`, keyed with the base64-decoded `whsec_` secret |
//! | Standard v1a | the same with `v1a,<base64 Ed25519 signature>` |
//! | hex | `x-webhook-signature: <hex HMAC-SHA256 of the body>`, optionally `sha256=` first |
//! | GitHub | `X-Hub-Signature-256: sha256=<hex>`, `X-GitHub-Delivery`, `X-GitHub-Event` |
//! | Stripe | `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">`, keyed with the `whsec_` string as it is |
//! | Shopify | `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, `X-Shopify-Webhook-Id` |
//! | Slack | `X-Slack-Request-Timestamp`, `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` |
//! | HMAC | `<header>: <prefix><hex or base64 HMAC-SHA1/256/512 of the body>` |
//! | token | `<header>: <secret>` |
//! | Basic | `Authorization: Basic <base64 of user:password>` |

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

/// A hash an HMAC sender may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }
}

/// How an HMAC sender writes its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
        }
    }

    fn encode(self, bytes: &[u8]) -> String {
        match self {
            Self::Hex => hex::encode(bytes),
            Self::Base64 => BASE64.encode(bytes),
        }
    }
}

/// The HMAC of the concatenated `parts` under `key`.
pub fn hmac(hash: Hash, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(key).expect("any key length");
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }
    match hash {
        Hash::Sha1 => run::<Hmac<sha1::Sha1>>(key, parts),
        Hash::Sha256 => run::<Hmac<sha2::Sha256>>(key, parts),
        Hash::Sha512 => run::<Hmac<sha2::Sha512>>(key, parts),
    }
}

/// A sender and the secret (or key) it signs with.
#[derive(Debug, Clone)]
pub enum Sender {
    /// Standard Webhooks v1 with a `whsec_` secret.
    StandardV1 {
        secret: String,
    },
    /// Standard Webhooks v1a with an Ed25519 key made from this seed.
    StandardV1a {
        seed: [u8; 32],
    },
    /// hookd's simple scheme, with `sha256=` before the hex or without.
    Hex {
        secret: String,
        prefixed: bool,
    },
    Github {
        secret: String,
    },
    Stripe {
        secret: String,
    },
    Shopify {
        secret: String,
    },
    Slack {
        secret: String,
    },
    Hmac {
        secret: String,
        header: &'static str,
        hash: Hash,
        encoding: Encoding,
        prefix: &'static str,
    },
    Token {
        secret: String,
        header: &'static str,
    },
    /// HTTP Basic; the secret is `user:password`.
    Basic {
        secret: String,
    },
}

impl Sender {
    /// The same kind of sender with another secret (or key): what an impostor signs with.
    pub fn impostor(&self) -> Sender {
        let mut other = self.clone();
        match &mut other {
            Sender::StandardV1 { secret } => {
                *secret = format!("whsec_{}", BASE64.encode([7u8; 32]));
            }
            Sender::StandardV1a { seed } => *seed = [7; 32],
            Sender::Basic { secret } => *secret = "user:wrong-password".into(),
            Sender::Hex { secret, .. }
            | Sender::Github { secret }
            | Sender::Stripe { secret }
            | Sender::Shopify { secret }
            | Sender::Slack { secret }
            | Sender::Hmac { secret, .. }
            | Sender::Token { secret, .. } => secret.push_str("-not-it"),
        }
        other
    }

    /// The `verify` of an inbox that accepts this sender.
    pub fn verify(&self) -> Value {
        match self {
            Sender::StandardV1 { secret } => json!({"scheme": "standard", "secret": secret}),
            Sender::StandardV1a { seed } => json!({"scheme": "standard",
                "secret": hookd_verify::SigningKey::from_seed(seed).public_key()}),
            Sender::Hex { secret, .. } => json!({"scheme": "hex", "secret": secret}),
            Sender::Github { secret } => json!({"scheme": "github", "secret": secret}),
            Sender::Stripe { secret } => json!({"scheme": "stripe", "secret": secret}),
            Sender::Shopify { secret } => json!({"scheme": "shopify", "secret": secret}),
            Sender::Slack { secret } => json!({"scheme": "slack", "secret": secret}),
            Sender::Hmac {
                secret,
                header,
                hash,
                encoding,
                prefix,
            } => json!({"scheme": "hmac", "secret": secret, "header": header,
                "algorithm": hash.name(), "encoding": encoding.name(), "prefix": prefix}),
            Sender::Token { secret, header } => {
                json!({"scheme": "token", "secret": secret, "header": header})
            }
            Sender::Basic { secret } => json!({"scheme": "basic", "secret": secret}),
        }
    }

    /// Whether the sender signs a timestamp (so that a stale one must be refused).
    pub fn signs_timestamp(&self) -> bool {
        matches!(
            self,
            Sender::StandardV1 { .. }
                | Sender::StandardV1a { .. }
                | Sender::Stripe { .. }
                | Sender::Slack { .. }
        )
    }

    /// Whether the sender signs the body (token and Basic authenticate the sender only: a
    /// changed body cannot be told from the one sent).
    pub fn signs_body(&self) -> bool {
        !matches!(self, Sender::Token { .. } | Sender::Basic { .. })
    }

    /// The header without which the request is not authenticated at all.
    pub fn signature_header(&self) -> &'static str {
        match self {
            Sender::StandardV1 { .. } | Sender::StandardV1a { .. } => "webhook-signature",
            Sender::Hex { .. } => "x-webhook-signature",
            Sender::Github { .. } => "X-Hub-Signature-256",
            Sender::Stripe { .. } => "Stripe-Signature",
            Sender::Shopify { .. } => "X-Shopify-Hmac-Sha256",
            Sender::Slack { .. } => "X-Slack-Signature",
            Sender::Hmac { header, .. } | Sender::Token { header, .. } => header,
            Sender::Basic { .. } => "Authorization",
        }
    }

    /// The headers this sender sends with `body`, signed at `timestamp` (unix seconds) as its
    /// delivery `id` (where the scheme carries one in a header).
    pub fn headers(&self, body: &[u8], timestamp: i64, id: &str) -> Vec<(String, String)> {
        let pair = |name: &str, value: String| (name.to_owned(), value);
        let sha256_hex = |secret: &str, parts: &[&[u8]]| {
            Encoding::Hex.encode(&hmac(Hash::Sha256, secret.as_bytes(), parts))
        };
        let ts = timestamp.to_string();
        match self {
            Sender::StandardV1 { secret } => {
                let key = hookd_verify::standard_key(secret).expect("a whsec_ secret");
                vec![
                    pair("webhook-id", id.into()),
                    pair("webhook-timestamp", ts),
                    pair(
                        "webhook-signature",
                        hookd_verify::sign_standard(&key, id, timestamp, body),
                    ),
                ]
            }
            Sender::StandardV1a { seed } => {
                let key = hookd_verify::SigningKey::from_seed(seed);
                vec![
                    pair("webhook-id", id.into()),
                    pair("webhook-timestamp", ts),
                    pair("webhook-signature", key.sign(id, timestamp, body)),
                ]
            }
            Sender::Hex { secret, prefixed } => {
                let signature = hookd_verify::sign_hex(secret, body);
                let prefix = if *prefixed { "sha256=" } else { "" };
                vec![pair("x-webhook-signature", format!("{prefix}{signature}"))]
            }
            Sender::Github { secret } => vec![
                pair(
                    "X-Hub-Signature-256",
                    format!("sha256={}", sha256_hex(secret, &[body])),
                ),
                pair("X-GitHub-Delivery", id.into()),
                pair("X-GitHub-Event", "push".into()),
            ],
            Sender::Stripe { secret } => {
                let signature = sha256_hex(secret, &[ts.as_bytes(), b".", body]);
                vec![pair("Stripe-Signature", format!("t={ts},v1={signature}"))]
            }
            Sender::Shopify { secret } => vec![
                pair(
                    "X-Shopify-Hmac-Sha256",
                    BASE64.encode(hmac(Hash::Sha256, secret.as_bytes(), &[body])),
                ),
                pair("X-Shopify-Webhook-Id", id.into()),
                pair("X-Shopify-Topic", "orders/create".into()),
            ],
            Sender::Slack { secret } => {
                let signature = sha256_hex(secret, &[b"v0:", ts.as_bytes(), b":", body]);
                vec![
                    pair("X-Slack-Request-Timestamp", ts),
                    pair("X-Slack-Signature", format!("v0={signature}")),
                ]
            }
            Sender::Hmac {
                secret,
                header,
                hash,
                encoding,
                prefix,
            } => {
                let mac = hmac(*hash, secret.as_bytes(), &[body]);
                vec![pair(header, format!("{prefix}{}", encoding.encode(&mac)))]
            }
            Sender::Token { secret, header } => vec![pair(header, secret.clone())],
            Sender::Basic { secret } => vec![pair(
                "Authorization",
                format!("Basic {}", BASE64.encode(secret)),
            )],
        }
    }
}

/// One sender of every kind an inbox verifies, named for messages and event types.
pub fn every_sender() -> Vec<(&'static str, Sender)> {
    let whsec = format!("whsec_{}", BASE64.encode([42u8; 32]));
    let hmac = |header, hash, encoding, prefix| Sender::Hmac {
        secret: "generic-hmac-secret".into(),
        header,
        hash,
        encoding,
        prefix,
    };
    vec![
        ("standard-v1", Sender::StandardV1 { secret: whsec }),
        ("standard-v1a", Sender::StandardV1a { seed: [3; 32] }),
        (
            "hex",
            Sender::Hex {
                secret: "whsec_hex-secret".into(),
                prefixed: false,
            },
        ),
        (
            "hex-sha256-prefix",
            Sender::Hex {
                secret: "whsec_hex-secret".into(),
                prefixed: true,
            },
        ),
        (
            "github",
            Sender::Github {
                secret: "It's a Secret to Everybody".into(),
            },
        ),
        (
            "stripe",
            Sender::Stripe {
                secret: "whsec_stripe_test_secret".into(),
            },
        ),
        (
            "shopify",
            Sender::Shopify {
                secret: "shopify-app-secret".into(),
            },
        ),
        (
            "slack",
            Sender::Slack {
                secret: "8f742231b10e8888abcd99yyyzzz85a5".into(),
            },
        ),
        (
            "hmac-sha1-hex",
            hmac("X-Sig", Hash::Sha1, Encoding::Hex, "sha1="),
        ),
        (
            "hmac-sha1-base64",
            hmac("X-Sig", Hash::Sha1, Encoding::Base64, "sha1="),
        ),
        (
            "hmac-sha256-hex",
            hmac("X-Signature", Hash::Sha256, Encoding::Hex, "sha256="),
        ),
        (
            "hmac-sha256-base64",
            hmac("X-Signature", Hash::Sha256, Encoding::Base64, "v1="),
        ),
        (
            "hmac-sha512-hex",
            hmac("X-Body-Mac", Hash::Sha512, Encoding::Hex, "sha512="),
        ),
        (
            "hmac-sha512-base64",
            hmac("X-Body-Mac", Hash::Sha512, Encoding::Base64, "HMAC-SHA512 "),
        ),
        (
            "token",
            Sender::Token {
                secret: "tok-3f9a8b7c6d5e".into(),
                header: "X-Webhook-Token",
            },
        ),
        (
            "basic",
            Sender::Basic {
                secret: "sender:pa55-w0rd".into(),
            },
        ),
    ]
}

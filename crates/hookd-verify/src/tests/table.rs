//! Every scheme against every way a request goes wrong, as one table: each row is a scheme, each
//! column a case, each cell the answer [`verify`] must give, as the message a log or an API
//! shows (`ok` for a pass, `n/a` where the scheme has no such thing). The requests are made by
//! [`super::fixtures`], at a fixed clock.

use super::fixtures::{Fixture, fixtures};
use crate::{Request, Scheme, VerifyError, verify};

const NOW: i64 = 1_700_000_000;
const TOLERANCE: i64 = 300;
const BODY: &[u8] = br#"{"id":"evt_1","type":"order.created","data":{"amount":42}}"#;
const TAMPERED: &[u8] = br#"{"id":"evt_1","type":"order.created","data":{"amount":4200}}"#;

#[derive(Debug, Clone, Copy)]
enum Case {
    Valid,
    TamperedBody,
    WrongSecret,
    StaleTimestamp,
    FutureTimestamp,
    MissingHeader,
    MalformedHeader,
}

const CASES: [Case; 7] = [
    Case::Valid,
    Case::TamperedBody,
    Case::WrongSecret,
    Case::StaleTimestamp,
    Case::FutureTimestamp,
    Case::MissingHeader,
    Case::MalformedHeader,
];

const MATCH: &str = "no signature matched";
const OLD: &str = "timestamp outside the tolerance (too old)";
const NEW: &str = "timestamp outside the tolerance (too new)";

/// What each fixture answers to each case, in the order of [`CASES`].
#[rustfmt::skip]
const TABLE: [(&str, [&str; 7]); 14] = [
    //                 valid tampered body wrong secret  stale  future  missing header                               malformed header
    ("standard v1",    ["ok", MATCH, MATCH, OLD, NEW, "missing header webhook-signature",       "malformed webhook-signature header"]),
    ("standard whpk",  ["ok", MATCH, MATCH, OLD, NEW, "missing header webhook-signature",       "malformed webhook-signature header"]),
    ("standard whsk",  ["ok", MATCH, MATCH, OLD, NEW, "missing header webhook-signature",       "malformed webhook-signature header"]),
    ("hex",            ["ok", MATCH, MATCH, "n/a", "n/a", "missing header x-webhook-signature", "malformed x-webhook-signature header"]),
    ("github",         ["ok", MATCH, MATCH, "n/a", "n/a", "missing header X-Hub-Signature-256", "malformed X-Hub-Signature-256 header"]),
    ("stripe",         ["ok", MATCH, MATCH, OLD, NEW, "missing header Stripe-Signature",        "malformed Stripe-Signature header"]),
    ("shopify",        ["ok", MATCH, MATCH, "n/a", "n/a", "missing header X-Shopify-Hmac-Sha256", "malformed X-Shopify-Hmac-Sha256 header"]),
    ("slack",          ["ok", MATCH, MATCH, OLD, NEW, "missing header X-Slack-Signature",       "malformed X-Slack-Signature header"]),
    ("hmac sha1",      ["ok", MATCH, MATCH, "n/a", "n/a", "missing header X-Hub-Signature",     "malformed X-Hub-Signature header"]),
    ("hmac sha256",    ["ok", MATCH, MATCH, "n/a", "n/a", "missing header X-Signature",         "malformed X-Signature header"]),
    ("hmac sha512",    ["ok", MATCH, MATCH, "n/a", "n/a", "missing header Authorization",       "malformed Authorization header"]),
    ("token",          ["ok", "ok", "the token does not match", "n/a", "n/a", "missing header X-Api-Token", "n/a"]),
    ("basic",          ["ok", "ok", "the Basic credentials do not match", "n/a", "n/a", "missing header Authorization", "malformed Authorization header"]),
    ("none",           ["ok", "ok", "ok", "n/a", "n/a", "ok", "ok"]),
];

/// What `verify` answers to one case of one fixture, as a message; `lookup` reads the headers
/// through a lookup function rather than as pairs.
fn answer(fixture: &Fixture, case: Case, required: &str, lookup: bool) -> String {
    let signed_at = match case {
        Case::StaleTimestamp => NOW - TOLERANCE - 1,
        Case::FutureTimestamp => NOW + TOLERANCE + 1,
        _ => NOW - 10,
    };
    let mut headers = (fixture.sign)(&fixture.signer, BODY, signed_at);
    match case {
        Case::MissingHeader => headers.retain(|(name, _)| !name.eq_ignore_ascii_case(required)),
        Case::MalformedHeader => {
            let (name, value) = fixture.malformed;
            headers.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
            headers.push((name.to_owned(), value.to_owned()));
        }
        _ => {}
    }
    let body = if let Case::TamperedBody = case {
        TAMPERED
    } else {
        BODY
    };
    let secret = if let Case::WrongSecret = case {
        &fixture.wrong_secret
    } else {
        &fixture.secret
    };
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let lower = |name: &str| {
        assert_eq!(
            name,
            name.to_ascii_lowercase(),
            "lookups get lower-case names"
        );
        pairs
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|&(_, value)| value)
    };
    let request = if lookup {
        Request::with_lookup(&lower, body)
    } else {
        Request::new(&pairs, body)
    };
    let result = verify(&fixture.scheme, secret, &request, NOW, TOLERANCE);
    let message = result.map_or_else(|error| error.to_string(), |()| "ok".to_owned());
    for hidden in [
        fixture.secret.as_str(),
        fixture.signer.as_str(),
        fixture.wrong_secret.as_str(),
    ] {
        assert!(
            hidden.is_empty() || !message.contains(hidden),
            "{message} shows a secret"
        );
    }
    message
}

/// Every scheme answers every case as the table says, with its headers given as pairs and
/// through a lookup function alike.
#[test]
fn every_scheme_answers_every_case_as_the_table_says() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), TABLE.len());
    let mut checked = 0;
    for (fixture, (row, expected)) in fixtures.iter().zip(TABLE) {
        assert_eq!(fixture.name, row);
        for (case, expected) in CASES.into_iter().zip(expected) {
            if expected == "n/a" {
                continue;
            }
            let required = fixture.required.first().copied().unwrap_or_default();
            for lookup in [false, true] {
                let got = answer(fixture, case, required, lookup);
                assert_eq!(got, expected, "{row}, {case:?}, lookup: {lookup}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 75, "{checked} cells");
}

/// Each header a scheme needs is named when it is the one missing.
#[test]
fn every_missing_header_is_named() {
    for fixture in fixtures() {
        for &header in &fixture.required {
            let expected = match fixture.scheme {
                Scheme::None => "ok".to_owned(),
                _ => format!("missing header {header}"),
            };
            assert_eq!(
                answer(&fixture, Case::MissingHeader, header, false),
                expected
            );
        }
    }
}

/// A timestamp that is not unix seconds is a malformed header, named, whatever the signature.
#[test]
fn timestamps_that_are_not_unix_seconds_are_malformed() {
    let cases = [
        (
            Scheme::Standard,
            "webhook-timestamp",
            "yesterday",
            "webhook-timestamp",
        ),
        (
            Scheme::Slack,
            "X-Slack-Request-Timestamp",
            "1531420618.5",
            "X-Slack-Request-Timestamp",
        ),
        (
            Scheme::Stripe,
            "Stripe-Signature",
            "t=soon,v1=00",
            "Stripe-Signature",
        ),
        (
            Scheme::Stripe,
            "Stripe-Signature",
            "t=1700000000,v0=00",
            "Stripe-Signature",
        ),
    ];
    for (scheme, header, value, named) in cases {
        let headers = [
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
            ("webhook-signature", "v1,AAAA"),
            ("X-Slack-Request-Timestamp", "1700000000"),
            ("X-Slack-Signature", "v0=00"),
        ];
        let mut pairs: Vec<(&str, &str)> = headers
            .into_iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case(header))
            .collect();
        pairs.insert(0, (header, value));
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assert_eq!(
            verify(&scheme, secret, &Request::new(&pairs, BODY), NOW, TOLERANCE),
            Err(VerifyError::MalformedHeader(named.into())),
            "{value}"
        );
    }
}

/// A timestamp exactly at the tolerance passes, one second past it does not, either way.
#[test]
fn the_tolerance_is_inclusive_both_ways() {
    for fixture in fixtures()
        .into_iter()
        .filter(|f| f.scheme.signs_timestamp())
    {
        for (signed_at, expected) in [
            (NOW - TOLERANCE, Ok(())),
            (NOW + TOLERANCE, Ok(())),
            (NOW - TOLERANCE - 1, Err(VerifyError::StaleTimestamp)),
            (NOW + TOLERANCE + 1, Err(VerifyError::FutureTimestamp)),
        ] {
            let headers = (fixture.sign)(&fixture.signer, BODY, signed_at);
            let pairs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let request = Request::new(&pairs, BODY);
            assert_eq!(
                verify(&fixture.scheme, &fixture.secret, &request, NOW, TOLERANCE),
                expected,
                "{} signed at {signed_at}",
                fixture.name
            );
        }
    }
}

/// An empty secret is refused before anything is computed: with it anyone could sign.
#[test]
fn an_empty_secret_is_refused() {
    for fixture in fixtures().into_iter().filter(|f| f.scheme.needs_secret()) {
        let headers = (fixture.sign)(&fixture.signer, BODY, NOW);
        let pairs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            verify(
                &fixture.scheme,
                "",
                &Request::new(&pairs, BODY),
                NOW,
                TOLERANCE
            ),
            Err(VerifyError::MissingSecret),
            "{}",
            fixture.name
        );
    }
}

/// A header whose entries are empty holds nothing to check: it is malformed, not unmatched.
#[test]
fn empty_entries_are_malformed() {
    let cases = [
        (Scheme::Hex, "x-webhook-signature", "sha256="),
        (Scheme::Github, "X-Hub-Signature-256", "sha256="),
        (Scheme::Stripe, "Stripe-Signature", "t=1700000000,v1="),
        (Scheme::Slack, "X-Slack-Signature", "v0="),
        (Scheme::Standard, "webhook-signature", "v1, v1a,"),
    ];
    for (scheme, header, value) in cases {
        let pairs = [
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", "1700000000"),
            ("X-Slack-Request-Timestamp", "1700000000"),
            (header, value),
        ];
        assert_eq!(
            verify(
                &scheme,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                &Request::new(&pairs, BODY),
                NOW,
                TOLERANCE
            ),
            Err(VerifyError::MalformedHeader(header.into())),
            "{value}"
        );
    }
}

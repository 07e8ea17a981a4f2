//! The sender's own delivery id, per scheme: where it is read from, and every way it is absent.

use crate::{Algorithm, Encoding, HmacOptions, Request, Scheme, sender_id};

/// A request's headers, as name–value pairs.
type Pairs = &'static [(&'static str, &'static str)];

fn id(scheme: &Scheme, headers: &[(&str, &str)], body: &str) -> Option<String> {
    sender_id(scheme, &Request::new(headers, body.as_bytes()))
}

/// Each scheme reads its own id, from its header or its body's top-level field, in any case.
#[test]
fn each_scheme_reads_its_own_id() {
    let stripe_body =
        r#"{"data":{"object":{"id":"pi_nested"}},"id":"evt_1PdGSD2eZvKYlo2C","object":"event"}"#;
    let slack_body =
        r#"{"event":{"event_id":"nested"},"type":"event_callback","event_id":"Ev123ABC456"}"#;
    let table: [(Scheme, Pairs, &str, &str); 5] = [
        (
            Scheme::Standard,
            &[("Webhook-Id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")],
            "{}",
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        ),
        (
            Scheme::Github,
            &[("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")],
            "{}",
            "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        ),
        (Scheme::Stripe, &[], stripe_body, "evt_1PdGSD2eZvKYlo2C"),
        (
            Scheme::Shopify,
            &[(
                "x-shopify-webhook-id",
                "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
            )],
            "{}",
            "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        ),
        (Scheme::Slack, &[], slack_body, "Ev123ABC456"),
    ];
    for (scheme, headers, body, expected) in table {
        assert_eq!(
            id(&scheme, headers, body).as_deref(),
            Some(expected),
            "{}",
            scheme.name()
        );
    }
}

/// A JSON id is read as JSON: escapes are undone, surrounding space does not matter.
#[test]
fn json_ids_are_unescaped() {
    let body = " {\"object\":\"event\",\n \"id\" : \"evt_\\u0031\\\"2\\\\3\"} \n";
    assert_eq!(
        id(&Scheme::Stripe, &[], body).as_deref(),
        Some("evt_1\"2\\3")
    );
}

/// Where there is no id to read, there is none: hookd then keys on the body's hash.
#[test]
fn absent_ids_are_none() {
    let every_header = [
        ("webhook-id", "msg_1"),
        ("X-GitHub-Delivery", "d1"),
        ("X-Shopify-Webhook-Id", "s1"),
    ];
    let hmac = Scheme::Hmac(HmacOptions {
        header: "X-Signature".into(),
        algorithm: Algorithm::Sha256,
        encoding: Encoding::Hex,
        prefix: String::new(),
    });
    let token = Scheme::Token {
        header: "X-Api-Token".into(),
    };
    for scheme in [Scheme::Hex, hmac, token, Scheme::Basic, Scheme::None] {
        let body = r#"{"id":"evt_1","event_id":"Ev1"}"#;
        assert_eq!(id(&scheme, &every_header, body), None, "{}", scheme.name());
    }

    let cases: [(Scheme, Pairs, &str); 14] = [
        (Scheme::Standard, &[], "{}"),
        (Scheme::Standard, &[("webhook-id", "  ")], "{}"),
        (
            Scheme::Github,
            &[("X-Hub-Signature-256", "sha256=00")],
            "{}",
        ),
        (Scheme::Shopify, &[("X-Shopify-Webhook-Id", "")], "{}"),
        (Scheme::Stripe, &[], "{\"object\":\"event\"}"),
        (Scheme::Stripe, &[], "{\"id\":42}"),
        (Scheme::Stripe, &[], "{\"id\":\"\"}"),
        (Scheme::Stripe, &[], "{\"id\":null}"),
        (Scheme::Stripe, &[], "[{\"id\":\"evt_1\"}]"),
        (Scheme::Stripe, &[], "{\"id\":\"evt_1\"} trailing"),
        (Scheme::Stripe, &[], "{\"id\":\"evt_1\""),
        (Scheme::Stripe, &[], "id=evt_1"),
        (
            Scheme::Slack,
            &[],
            "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J",
        ),
        (
            Scheme::Slack,
            &[],
            r#"{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#,
        ),
    ];
    for (scheme, headers, body) in cases {
        assert_eq!(
            id(&scheme, headers, body),
            None,
            "{} {headers:?} {body}",
            scheme.name()
        );
    }
}

/// Where a top-level field repeats, the first counts; a later one cannot replace it.
#[test]
fn the_first_of_a_repeated_field_counts() {
    let body = r#"{"id":"evt_first","id":"evt_second"}"#;
    assert_eq!(id(&Scheme::Stripe, &[], body).as_deref(), Some("evt_first"));
}

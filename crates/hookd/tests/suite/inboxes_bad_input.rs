//! Bad input on the inbox routes gets a 4xx problem+json naming the field, and stores nothing:
//! a row per route (create, list, one, change, delete, history, one request, replays, stream).

use crate::common;

use common::TestServer;
use common::cases::{Case, case};
use common::inbox::{open_inbox, send};
use reqwest::Method;
use serde_json::{Value, json};

/// A valid inbox body with `change` merged into it (a `null` removes a field).
fn inbox_with(change: Value) -> String {
    let mut body = json!({"name": "bad", "verify": {"scheme": "none"}, "event_type": "a.b"});
    merge(&mut body, change);
    body.to_string()
}

fn merge(into: &mut Value, change: Value) {
    match (into, change) {
        (Value::Object(into), Value::Object(change)) => {
            for (key, value) in change {
                if value.is_null() {
                    into.remove(&key);
                } else if value.is_object() && into.get(&key).is_some_and(Value::is_object) {
                    merge(into.get_mut(&key).unwrap(), value);
                } else {
                    into.insert(key, value);
                }
            }
        }
        (into, change) => *into = change,
    }
}

/// A 422 on creating an inbox from `change`, naming `field` with `code`.
fn create(change: Value, field: &'static str, code: &'static str) -> Case {
    case(
        Method::POST,
        "/api/inboxes",
        &inbox_with(change),
        422,
        Some(field),
        code,
    )
}

/// Each row: a request a careless or hostile caller might send, and the exact answer.
#[tokio::test]
async fn every_inbox_route_answers_bad_input_with_a_problem_naming_the_field() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let ibx = open_inbox(&server, "a.b").await;
    send(&server, &ibx, &[("x", "y")], r#"{"a": 1}"#).await;
    let one = format!("/api/inboxes/{ibx}");
    let hmac = |change: Value| {
        let mut verify = json!({"scheme": "hmac", "secret": "s", "header": "X-Sig",
            "algorithm": "sha256", "encoding": "hex", "prefix": ""});
        merge(&mut verify, change);
        json!({"verify": verify})
    };
    use Method as M;
    let cases = vec![
        // POST /api/inboxes
        case(M::POST, "/api/inboxes", "", 400, None, "malformed_json"),
        case(
            M::POST,
            "/api/inboxes",
            "{\"name\": ",
            400,
            None,
            "malformed_json",
        ),
        case(
            M::POST,
            "/api/inboxes",
            "[]",
            422,
            Some("body"),
            "invalid_type",
        ),
        create(json!({"nmae": "typo"}), "nmae", "unknown_field"),
        create(
            json!({"verify": {"scheme": "md5"}}),
            "verify.scheme",
            "unknown_scheme",
        ),
        create(
            json!({"verify": {"scheme": 7}}),
            "verify.scheme",
            "invalid_type",
        ),
        create(
            json!({"verify": {"scheme": "standard", "secret": "whsec_!!not base64!!"}}),
            "verify.secret",
            "invalid_secret",
        ),
        create(
            json!({"verify": {"scheme": "standard", "secret": "whpk_AAAA"}}),
            "verify.secret",
            "invalid_secret",
        ),
        create(
            json!({"verify": {"scheme": "basic", "secret": "no-colon"}}),
            "verify.secret",
            "invalid_secret",
        ),
        // Stripe, Shopify and Slack issue the secret: hookd can't make one up.
        create(
            json!({"verify": {"scheme": "stripe"}}),
            "verify.secret",
            "required",
        ),
        create(
            json!({"verify": {"scheme": "slack"}}),
            "verify.secret",
            "required",
        ),
        create(
            json!({"verify": {"scheme": null}}),
            "verify.scheme",
            "required",
        ),
        create(hmac(json!({"header": null})), "verify.header", "required"),
        create(
            hmac(json!({"header": "Bad Header"})),
            "verify.header",
            "invalid_value",
        ),
        create(
            hmac(json!({"algorithm": "md5"})),
            "verify.algorithm",
            "invalid_value",
        ),
        create(
            hmac(json!({"encoding": "base32"})),
            "verify.encoding",
            "invalid_value",
        ),
        create(
            json!({"verify": {"scheme": "stripe", "secret": "whsec_x", "tolerance": "soon"}}),
            "verify.tolerance",
            "invalid_value",
        ),
        create(
            json!({"dedupe": {"key": "cookie:x"}}),
            "dedupe.key",
            "invalid_value",
        ),
        create(
            json!({"dedupe": {"key": "json:"}}),
            "dedupe.key",
            "invalid_value",
        ),
        create(
            json!({"dedupe": {"key": "header:"}}),
            "dedupe.key",
            "invalid_value",
        ),
        create(
            json!({"dedupe": {"window": "forever"}}),
            "dedupe.window",
            "invalid_value",
        ),
        create(
            json!({"allowed_ips": ["10.0.0.0/33"]}),
            "allowed_ips[0]",
            "invalid_cidr",
        ),
        create(
            json!({"allowed_ips": ["10.0.0.0/8", "not an address"]}),
            "allowed_ips[1]",
            "invalid_cidr",
        ),
        create(
            json!({"allowed_ips": ["2001:db8::/129"]}),
            "allowed_ips[0]",
            "invalid_cidr",
        ),
        create(
            json!({"allowed_ips": "10.0.0.0/8"}),
            "allowed_ips",
            "invalid_type",
        ),
        create(json!({"rate_limit": 0}), "rate_limit", "out_of_range"),
        create(json!({"rate_limit": -1}), "rate_limit", "out_of_range"),
        create(
            json!({"max_body_bytes": 0}),
            "max_body_bytes",
            "out_of_range",
        ),
        create(
            json!({"event_type": "stripe.{json:type"}),
            "event_type",
            "invalid_value",
        ),
        create(
            json!({"event_type": "x.{cookie:a}"}),
            "event_type",
            "invalid_value",
        ),
        create(json!({"event_type": "a b"}), "event_type", "invalid_value"),
        create(
            json!({"response": {"status": 302}}),
            "response.status",
            "out_of_range",
        ),
        create(
            json!({"response": {"status": 500}}),
            "response.status",
            "out_of_range",
        ),
        create(
            json!({"response": {"status": 199}}),
            "response.status",
            "out_of_range",
        ),
        create(
            json!({"expires_at": "2030-01-01T00:00:00Z"}),
            "expires_at",
            "unknown_field",
        ),
        create(json!({"tenant": "a b"}), "tenant", "invalid_tenant"),
        // NUL in any text (PostgreSQL's text can't hold it)
        create(json!({"name": "a\u{0}b"}), "name", "nul_character"),
        create(
            json!({"description": "\u{0}"}),
            "description",
            "nul_character",
        ),
        create(
            json!({"verify": {"scheme": "github", "secret": "s\u{0}"}}),
            "verify.secret",
            "nul_character",
        ),
        create(
            json!({"response": {"body": "ok\u{0}"}}),
            "response.body",
            "nul_character",
        ),
        // GET /api/inboxes
        case(
            M::GET,
            "/api/inboxes?playground=maybe",
            "",
            422,
            Some("playground"),
            "invalid_type",
        ),
        case(
            M::GET,
            "/api/inboxes?limit=0",
            "",
            422,
            Some("limit"),
            "out_of_range",
        ),
        case(
            M::GET,
            "/api/inboxes?cursor=wh_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            422,
            Some("cursor"),
            "invalid_cursor",
        ),
        // One inbox
        case(
            M::GET,
            "/api/inboxes/ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(M::GET, "/api/inboxes/nope", "", 404, None, "not_found"),
        case(
            M::PATCH,
            &one,
            r#"{"verify": {"scheme": "md5"}}"#,
            422,
            Some("verify.scheme"),
            "unknown_scheme",
        ),
        case(
            M::PATCH,
            &one,
            r#"{"rate_limit": 0}"#,
            422,
            Some("rate_limit"),
            "out_of_range",
        ),
        case(
            M::PATCH,
            &one,
            r#"{"id": "ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA"}"#,
            422,
            Some("id"),
            "immutable",
        ),
        case(
            M::PATCH,
            &one,
            r#"{"tenant": "other"}"#,
            422,
            Some("tenant"),
            "immutable",
        ),
        case(M::PATCH, &one, "{", 400, None, "malformed_json"),
        case(
            M::DELETE,
            "/api/inboxes/ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        // History, stream
        case(
            M::GET,
            &format!("{one}/requests?verified=maybe"),
            "",
            422,
            Some("verified"),
            "invalid_type",
        ),
        case(
            M::GET,
            &format!("{one}/requests?duplicate=2"),
            "",
            422,
            Some("duplicate"),
            "invalid_type",
        ),
        case(
            M::GET,
            &format!("{one}/requests?since=soon"),
            "",
            422,
            Some("since"),
            "invalid_timestamp",
        ),
        case(
            M::GET,
            &format!("{one}/requests?until=later"),
            "",
            422,
            Some("until"),
            "invalid_timestamp",
        ),
        case(
            M::GET,
            "/api/inboxes/ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA/requests",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::GET,
            "/api/inboxes/ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA/stream",
            "",
            404,
            None,
            "not_found",
        ),
        // Stored requests and replays
        case(
            M::GET,
            "/api/inbox-requests/req_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::GET,
            "/api/inbox-requests/evt_01M82NQJGDG5CQ7VXK2Z6PSTRA",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::POST,
            "/api/inbox-requests/req_01M82NQJGDG5CQ7VXK2Z6PSTRA/replay",
            "",
            404,
            None,
            "not_found",
        ),
        case(
            M::POST,
            &format!("{one}/replay"),
            "{",
            400,
            None,
            "malformed_json",
        ),
        case(
            M::POST,
            &format!("{one}/replay"),
            r#"{"since": "soon"}"#,
            422,
            Some("since"),
            "invalid_timestamp",
        ),
        case(
            M::POST,
            &format!("{one}/replay"),
            r#"{"dry_run": "yes"}"#,
            422,
            Some("dry_run"),
            "invalid_type",
        ),
        case(
            M::POST,
            &format!("{one}/replay"),
            r#"{"verified_only": 1}"#,
            422,
            Some("verified_only"),
            "invalid_type",
        ),
        case(
            M::POST,
            "/api/inboxes/ibx_01M82NQJGDG5CQ7VXK2Z6PSTRA/replay",
            "{}",
            404,
            None,
            "not_found",
        ),
    ];
    common::cases::assert_all(&server, &cases).await;
    let (_, inboxes) = server.get("/api/inboxes").await;
    assert_eq!(
        inboxes["data"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );
    let (_, one) = server.get(&one).await;
    assert_eq!(one["rate_limit"], Value::Null, "nothing changed");
    assert_eq!(one["verify"]["scheme"], "none");
}

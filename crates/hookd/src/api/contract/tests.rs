//! The document's shared answers and constraints, read from the document the server serves.
//! `tests/suite/contract.rs` checks the same document against a running server.

use super::PROBLEM_JSON;
use crate::api::input_schema;
use crate::api::paging::MAX_LIMIT;
use serde_json::{Value, json};

fn document() -> Value {
    serde_json::to_value(crate::api::routes().1).expect("the document encodes")
}

/// Every operation as (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            found.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

fn statuses(operation: &Value) -> Vec<&str> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(String::as_str)
        .collect()
}

/// Every 4xx and 5xx answer is `application/problem+json` with the `Problem` schema, as the
/// server sends it; none is documented as `application/json`.
#[test]
fn every_error_answer_is_a_problem_json_document() {
    let document = document();
    let mut wrong = Vec::new();
    for (method, path, operation) in operations(&document) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if status.starts_with('2') {
                continue;
            }
            let content = response["content"].as_object().expect("error content");
            let problem = json!({"$ref": "#/components/schemas/Problem"});
            if content.keys().collect::<Vec<_>>() != [PROBLEM_JSON]
                || content[PROBLEM_JSON]["schema"] != problem
                || response["description"].as_str().is_none_or(str::is_empty)
            {
                wrong.push(format!("{method} {path} {status}: {response}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What an operation takes decides what it can answer: a token 401 (with `WWW-Authenticate`),
/// 500 and 503; a body 400, 413 and 422; a query string 422; a path id 404.
#[test]
fn what_an_operation_takes_decides_its_error_answers() {
    let document = document();
    let mut wrong = Vec::new();
    for (method, path, operation) in operations(&document) {
        let answers = statuses(&operation);
        let takes = |place: &str| {
            operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == place))
        };
        let open = operation["security"] == json!([{}]);
        let mut expected = Vec::new();
        if !open {
            expected.extend(["401", "500", "503"]);
        }
        if operation.get("requestBody").is_some() {
            expected.extend(["400", "413", "422"]);
        }
        if takes("query") {
            expected.push("422");
        }
        if takes("path") {
            expected.push("404");
        }
        for status in expected {
            if !answers.contains(&status) {
                wrong.push(format!("{method} {path} does not document {status}"));
            }
        }
        if !open && operation["responses"]["401"]["headers"]["WWW-Authenticate"].is_null() {
            wrong.push(format!("{method} {path}: 401 without WWW-Authenticate"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Only health, readiness, metrics and the document itself are open; every /api route takes
/// a token.
#[test]
fn only_operations_routes_are_open() {
    let document = document();
    for (method, path, operation) in operations(&document) {
        let open = operation["security"] == json!([{}]);
        assert_eq!(open, !path.starts_with("/api/"), "{method} {path}");
    }
}

/// Every list's `limit` is documented as 1 to 250, 50 when omitted.
#[test]
fn every_limit_is_documented_with_its_bounds() {
    let document = document();
    let mut lists = 0;
    for (method, path, operation) in operations(&document) {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["name"] == "limit" {
                lists += 1;
                let schema = &parameter["schema"];
                assert_eq!(
                    (&schema["minimum"], &schema["maximum"], &schema["default"]),
                    (&json!(1), &json!(MAX_LIMIT), &json!(50)),
                    "{method} {path}"
                );
            }
        }
    }
    assert_eq!(
        lists, 8,
        "webhooks, events, deliveries, tokens, logs, the audit log, inboxes and their requests \
         are paged"
    );
}

/// A batch holds 1 to 1000 events; `data` is any JSON value, not only an object.
#[test]
fn batches_and_data_are_documented_as_accepted() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let events = &schemas["BatchIn"]["properties"]["events"];
    assert_eq!(
        (&events["minItems"], &events["maxItems"]),
        (&json!(1), &json!(input_schema::MAX_BATCH))
    );
    for schema in ["EventIn", "TestIn", "EventOut"] {
        let data = &schemas[schema]["properties"]["data"];
        assert!(
            data.is_object() && data.get("type").is_none(),
            "{schema}: {data}"
        );
    }
}

/// The names a request gives are constrained as the parsers constrain them: event names,
/// hookd's reserved `webhook.` names, patterns, tenants.
#[test]
fn names_carry_their_patterns() {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let pattern = |schema: &Value| schema["pattern"].as_str().map(str::to_owned);
    assert!(
        pattern(&schemas["EventIn"]["properties"]["type"])
            .is_some_and(|p| p.contains("(?!webhook\\.)"))
    );
    assert!(
        pattern(&schemas["TestIn"]["properties"]["type"]).is_some_and(|p| !p.contains("webhook"))
    );
    assert!(pattern(&schemas["WebhookIn"]["properties"]["events"]["items"]).is_some());
    for (schema, field) in [
        ("WebhookIn", "tenant"),
        ("EventIn", "tenant"),
        ("TokenIn", "tenant"),
    ] {
        assert_eq!(
            pattern(&schemas[schema]["properties"][field]).as_deref(),
            Some("^[A-Za-z0-9_.-]{1,64}$"),
            "{schema}.{field}"
        );
    }
}

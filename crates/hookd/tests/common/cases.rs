//! A table of bad requests and the problem each must get back.

use super::{ADMIN_TOKEN, TestServer};
use reqwest::Method;

/// One bad request and what must come back.
pub struct Case {
    method: Method,
    path: String,
    body: Option<String>,
    status: u16,
    /// The field named in `errors[]` (422 only).
    field: Option<&'static str>,
    code: &'static str,
}

pub fn case(
    method: Method,
    path: &str,
    body: &str,
    status: u16,
    field: Option<&'static str>,
    code: &'static str,
) -> Case {
    let body = (!body.is_empty()).then(|| body.to_owned());
    Case {
        method,
        path: path.to_owned(),
        body,
        status,
        field,
        code,
    }
}

/// Sends every case and fails listing each one answered wrongly.
pub async fn assert_all(server: &TestServer, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let response = reqwest::Client::new()
            .request(case.method.clone(), server.url(&case.path))
            .bearer_auth(ADMIN_TOKEN)
            .body(case.body.clone().unwrap_or_default())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let problem: serde_json::Value = response.json().await.unwrap_or_default();
        let field = problem["errors"]
            .as_array()
            .and_then(|e| e.first())
            .and_then(|e| e["field"].as_str())
            .map(str::to_owned);
        let code = problem["code"].as_str().unwrap_or_default();
        let ok = status == case.status
            && content_type == "application/problem+json"
            && problem["status"] == case.status
            && field.as_deref() == case.field
            && code == case.code;
        if !ok {
            failures.push(format!(
                "{} {} {:?}\n    got {status} {content_type} {problem}",
                case.method,
                case.path,
                case.body.as_deref().map(|b| &b[..b.len().min(80)])
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases answered wrongly:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

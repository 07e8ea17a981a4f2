//! The answers every operation shares, added to the OpenAPI document once, after the routes are
//! gathered, so that no route can forget one. What an operation takes decides what it can
//! answer besides its own statuses:
//!
//! - a token (every `/api` route): 401 without a valid one, 503 when the database is away,
//!   500 when something unexpected fails (the token itself is looked up in the database);
//! - a JSON body: 400 when it is not JSON, 408 when it does not arrive in time (the listener's
//!   `http_body_timeout`), 413 over its limit, 422 when it is JSON of the wrong shape or with
//!   invalid values;
//! - query parameters: 422 for a value that does not parse;
//! - a path parameter: 404 for an id that names nothing the token can see.
//!
//! Every error is RFC 9457 `application/problem+json` with the `Problem` schema; a route that
//! declares a problem itself (`(status = 409, body = Problem)`) gets the same content type. The
//! extractors in `extract.rs` and `auth.rs` are what make these answers true.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::Response;
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, SecurityRequirement};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What each shared status means, for a response that says nothing more specific.
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("400", "The body is not JSON (`malformed_json`)."),
    (
        "401",
        "No valid token in `Authorization: Bearer <token>` (`unauthorized`).",
    ),
    (
        "404",
        "No such resource, or the token may not see it (`not_found`).",
    ),
    (
        "408",
        "The body did not arrive within `http_body_timeout`; nothing was stored (`body_timeout`).",
    ),
    ("409", "The resource is not in a state that allows this."),
    (
        "413",
        "The body is larger than its limit (`body_too_large`).",
    ),
    (
        "422",
        "Invalid input: `errors[]` names each bad field, with a stable `code`.",
    ),
    (
        "500",
        "An unexpected failure, logged by the server; the answer carries no detail (`internal`).",
    ),
    (
        "503",
        "The database is unavailable; nothing was stored. Retry shortly (`unavailable`).",
    ),
];

/// Adds the shared error answers to every operation and gives every problem its media type.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                complete(operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

/// The statuses `operation` can answer because of what it takes.
fn shared_statuses(operation: &Operation) -> Vec<&'static str> {
    let takes = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    // `security(())` (an empty requirement) marks the routes open to anyone.
    let open = SecurityRequirement::default();
    let needs_token = operation
        .security
        .as_ref()
        .is_none_or(|requirements| requirements.iter().all(|r| *r != open));
    let mut statuses = Vec::new();
    if needs_token {
        statuses.extend(["401", "500", "503"]);
    }
    if operation.request_body.is_some() {
        statuses.extend(["400", "408", "413", "422"]);
    }
    if takes(ParameterIn::Query) {
        statuses.push("422");
    }
    if takes(ParameterIn::Path) {
        statuses.push("404");
    }
    statuses
}

fn complete(operation: &mut Operation) {
    for status in shared_statuses(operation) {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem_response(status)));
    }
    for (status, response) in operation.responses.responses.iter_mut() {
        if let RefOr::T(response) = response {
            as_problem(status, response);
        }
    }
}

/// A response of `status` with a `Problem` body.
fn problem_response(status: &str) -> Response {
    let mut response = Response::new("");
    response.content.insert(
        PROBLEM_JSON.to_owned(),
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    as_problem(status, &mut response);
    response
}

/// Gives an error response the problem media type, a description if it has none, and (401)
/// the `WWW-Authenticate` header the server sends with it.
fn as_problem(status: &str, response: &mut Response) {
    let is_error = status.starts_with('4') || status.starts_with('5');
    if !is_error {
        return;
    }
    if let Some(content) = response.content.shift_remove("application/json") {
        response.content.insert(PROBLEM_JSON.to_owned(), content);
    }
    if response.description.is_empty()
        && let Some((_, description)) = DESCRIPTIONS.iter().find(|(s, _)| *s == status)
    {
        response.description = (*description).to_owned();
    }
    if status == "429" {
        let mut header = Header::new(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Integer)
                .minimum(Some(1)),
        );
        header.description = Some("Seconds to wait before trying again.".to_owned());
        response.headers.insert("Retry-After".to_owned(), header);
    }
    if status == "401" {
        let mut header = Header::new(
            utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .enum_values(Some(["Bearer"])),
        );
        header.description = Some("Always `Bearer`: the scheme the API expects.".to_owned());
        response
            .headers
            .insert("WWW-Authenticate".to_owned(), header);
    }
}

#[cfg(test)]
mod tests;

//! Tests for the reference page. They render a small document built with utoipa's
//! derives (nested struct, enum, `Option`, `Vec`, `serde_json::Value`, a
//! self-referential schema, two tagged operations and one untagged) and check
//! the rules the page promises: everything listed, escaped, linked and finite.

use std::collections::HashSet;

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApiBuilder, Ref};
use utoipa::{Modify, OpenApi, ToSchema};

use super::render_reference;

/// How often a delivery is retried.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RetryPolicy {
    /// Attempts before the delivery is dead-lettered.
    max_attempts: u32,
    /// Seconds to wait before each retry.
    backoff_seconds: Vec<u64>,
}

/// Whether an endpoint receives deliveries.
#[derive(ToSchema)]
#[allow(dead_code)]
enum EndpointState {
    Active,
    Paused,
}

/// A tree of event-type patterns; each child narrows its parent.
#[derive(ToSchema)]
#[allow(dead_code)]
struct EventFilter {
    /// Glob over event types.
    pattern: String,
    #[schema(no_recursion)]
    children: Vec<EventFilter>,
}

/// A registered webhook endpoint.
#[derive(ToSchema)]
#[allow(dead_code)]
struct Endpoint {
    /// Server-assigned id.
    id: u64,
    /// Where deliveries are POSTed.
    url: String,
    state: EndpointState,
    /// Free text, e.g. <script>alert("x")</script> & friends.
    label: Option<String>,
    retry: RetryPolicy,
    /// Replaces `retry` while the endpoint is failing.
    fallback_retry: Option<RetryPolicy>,
    event_types: Vec<String>,
    /// Arbitrary JSON kept with the endpoint.
    metadata: serde_json::Value,
    filter: Option<EventFilter>,
}

/// Fields accepted when updating an endpoint.
#[derive(ToSchema)]
#[allow(dead_code)]
struct UpdateEndpoint {
    url: Option<String>,
    state: Option<EndpointState>,
    retry: Option<RetryPolicy>,
}

/// List endpoints
///
/// Returns endpoints ordered by id.
///
/// Use `after` to page.
#[utoipa::path(
    get,
    path = "/endpoints",
    tag = "endpoints",
    params(
        ("after" = Option<u64>, Query, description = "Return endpoints after this id."),
        ("limit" = Option<u32>, Query, description = "Page size, at most 100."),
    ),
    responses(
        (status = 200, description = "One page of endpoints", body = Vec<Endpoint>),
        (status = 401, description = "Missing or wrong bearer token"),
    ),
    security(("bearer" = [])),
)]
#[allow(dead_code)]
fn list_endpoints() {}

/// Update an endpoint
#[utoipa::path(
    patch,
    path = "/endpoints/{id}",
    tag = "endpoints",
    params(("id" = u64, Path, description = "Endpoint id.")),
    request_body = UpdateEndpoint,
    responses(
        (status = 200, description = "The updated endpoint", body = Endpoint),
        (status = 404, description = "No endpoint with that id"),
        (status = 422, description = "The body is not a valid update"),
    ),
)]
#[allow(dead_code)]
fn update_endpoint() {}

/// Liveness probe
#[utoipa::path(delete, path = "/cache", responses((status = 204, description = "Cache emptied")))]
#[allow(dead_code)]
fn clear_cache() {}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "hookd", version = "1.2.3", description = "Webhook delivery server.\n\nDeliveries are retried & signed."),
    paths(list_endpoints, update_endpoint, clear_cache),
    components(schemas(Endpoint, UpdateEndpoint, EventFilter)),
    tags((name = "endpoints", description = "Register and manage <endpoints>.")),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

fn page() -> String {
    render_reference(&ApiDoc::openapi())
}

/// The text after each occurrence of `prefix` (an attribute opening) up to its closing quote.
fn fragment_links<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix)
        .filter_map(|(at, _)| html[at + prefix.len()..].split('"').next())
        .collect()
}

/// The page names every path and its method badge.
#[test]
fn page_lists_every_path_and_method() {
    let html = page();
    for (method, path) in [
        ("get", "/endpoints"),
        ("patch", "/endpoints/{id}"),
        ("delete", "/cache"),
    ] {
        let badge = format!(
            "<span class=\"method {method}\">{}</span>",
            method.to_uppercase()
        );
        let heading = format!("{badge} <code class=\"path\">{path}</code>");
        assert!(html.contains(&heading), "missing {method} {path}");
    }
}

/// Every component schema and its fields appear, nested ones included.
#[test]
fn schema_and_field_names_appear() {
    let html = page();
    for name in [
        "Endpoint",
        "UpdateEndpoint",
        "RetryPolicy",
        "EndpointState",
        "EventFilter",
    ] {
        assert!(
            html.contains(&format!("id=\"schema-{name}\"")),
            "no entry for {name}"
        );
    }
    for field in [
        "id",
        "url",
        "label",
        "retry",
        "max_attempts",
        "backoff_seconds",
        "metadata",
        "pattern",
        "children",
    ] {
        assert!(
            html.contains(&format!("<code>{field}</code>")),
            "no field {field}"
        );
    }
}

/// Types read as prose: arrays, enums, nullable values, `$ref`s and free-form JSON.
#[test]
fn field_types_read_naturally() {
    let html = page();
    assert!(html.contains("array of <a href=\"#schema-Endpoint\"><code>Endpoint</code></a>"));
    assert!(
        html.contains("one of <code>&quot;Active&quot;</code>, <code>&quot;Paused&quot;</code>")
    );
    assert!(html.contains("data-label=\"Type\">string or null</td>"));
    assert!(html.contains("<a href=\"#schema-RetryPolicy\"><code>RetryPolicy</code></a> or null"));
    assert!(html.contains("data-label=\"Type\">array of string</td>"));
    assert!(
        html.contains("data-label=\"Type\">any</td>"),
        "serde_json::Value is shown as any"
    );
}

/// An `Option<T>` field keeps its doc comment, which utoipa puts on the `$ref` inside `oneOf`.
#[test]
fn optional_reference_fields_keep_their_description() {
    let html = page();
    let row = html
        .find("<code>fallback_retry</code>")
        .expect("fallback_retry row");
    let row = &html[row..html[row..]
        .find("</tr>")
        .map_or(html.len(), |end| row + end)];
    assert!(row.contains("Replaces <code>retry</code> while the endpoint is failing."));
}

/// Nested object fields are listed under their parent, indented one level.
#[test]
fn nested_fields_are_indented_under_their_parent() {
    let html = page();
    let parent = html.find("<code>retry</code>").expect("retry row");
    let child = html[parent..]
        .find("<code>max_attempts</code>")
        .expect("nested row");
    assert!(html[parent..parent + child].contains("<tr class=\"d1\">"));
}

/// Text from the document is escaped: a `<script>` in a description stays text.
#[test]
fn description_markup_is_escaped() {
    let html = page();
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends"));
    assert!(html.contains("Register and manage &lt;endpoints&gt;."));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own filter script"
    );
}

/// Every in-page link, `#schema-X` ones included, has an element with that id.
#[test]
fn links_point_at_existing_anchors() {
    let html = page();
    let ids: HashSet<&str> = fragment_links(&html, " id=\"").into_iter().collect();
    let links = fragment_links(&html, "href=\"#");
    assert!(links.iter().any(|l| l.starts_with("schema-")));
    for link in links {
        assert!(ids.contains(link), "dangling link #{link}");
    }
}

/// Descriptions keep their paragraphs: blank lines split them into separate `<p>`s.
#[test]
fn descriptions_keep_paragraphs() {
    let html = page();
    assert!(
        html.contains("<p>Webhook delivery server.</p><p>Deliveries are retried &amp; signed.</p>")
    );
    assert!(
        html.contains(
            "<p>Returns endpoints ordered by id.</p><p>Use <code>after</code> to page.</p>"
        )
    );
}

/// Parameters, request body and responses of an operation are all shown.
#[test]
fn operation_shows_parameters_body_and_responses() {
    let html = page();
    assert!(html.contains("<code>limit</code></td><td data-label=\"In\">query</td><td data-label=\"Required\">no</td><td data-label=\"Type\">integer <span class=\"fmt\">(int32)</span>"));
    assert!(html.contains(
        "<code>id</code></td><td data-label=\"In\">path</td><td data-label=\"Required\">yes</td>"
    ));
    assert!(html.contains("<code>application/json</code> — <a href=\"#schema-UpdateEndpoint\">"));
    for status in ["200", "401", "404", "422", "204"] {
        assert!(
            html.contains(&format!(">{status}</span>")),
            "no {status} response"
        );
    }
}

/// Operations are grouped by tag in the contents; untagged ones fall under "Other", last.
#[test]
fn contents_group_operations_by_tag() {
    let html = page();
    let endpoints = html.find("<h3>endpoints</h3>").expect("endpoints group");
    let other = html.find("<h3>Other</h3>").expect("Other group");
    assert!(endpoints < other);
    assert!(html[other..].starts_with("<h3>Other</h3><ul><li data-op=\"delete /cache"));
}

/// Bearer security schemes are explained in an Authentication note.
#[test]
fn authentication_note_describes_bearer_scheme() {
    let html = page();
    assert!(html.contains("<h2>Authentication</h2>"));
    assert!(html.contains("Bearer token in the <code>Authorization</code> header"));
}

/// The page is self-contained and mobile-ready: no external resources, a viewport and a language.
#[test]
fn page_is_self_contained() {
    let html = page();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("<label for=\"filter\">Filter operations</label>"));
    for external in ["http://", "https://", "<link", "src=", "@import"] {
        assert!(!html.contains(external), "page refers to {external}");
    }
}

/// A `$ref` to a schema the document does not define shows its name without a dangling link.
#[test]
fn unknown_references_are_not_linked() {
    let broken = ObjectBuilder::new().property("ghost", Ref::from_schema_name("Missing"));
    let openapi = OpenApiBuilder::new()
        .info(InfoBuilder::new().title("broken").version("0").build())
        .components(Some(
            ComponentsBuilder::new().schema("Broken", broken).build(),
        ))
        .build();
    let html = render_reference(&openapi);
    assert!(html.contains("data-label=\"Type\"><code>Missing</code></td>"));
    assert!(!html.contains("#schema-Missing"));
}

/// Self- and mutually-referential schemas render a link instead of recursing forever.
#[test]
fn reference_cycles_stop_at_a_link() {
    let node = ObjectBuilder::new()
        .property("next", Ref::from_schema_name("Node"))
        .property("other", Ref::from_schema_name("Other"))
        .property(
            "children",
            ArrayBuilder::new().items(Ref::from_schema_name("Node")),
        );
    let other = ObjectBuilder::new()
        .property("back", Ref::from_schema_name("Node"))
        .property("name", ObjectBuilder::new().schema_type(Type::String));
    let components = ComponentsBuilder::new()
        .schema("Node", node)
        .schema("Other", other)
        .build();
    let openapi = OpenApiBuilder::new()
        .info(InfoBuilder::new().title("cycles").version("0").build())
        .components(Some(components))
        .build();
    let html = render_reference(&openapi);
    assert!(html.contains("\"Type\">array of <a href=\"#schema-Node\"><code>Node</code></a></td>"));
    assert!(
        html.matches("<code>back</code>").count() <= 2,
        "Other is expanded once per table"
    );
    let ids: HashSet<&str> = fragment_links(&html, " id=\"").into_iter().collect();
    assert!(
        fragment_links(&html, "href=\"#")
            .iter()
            .all(|l| ids.contains(l))
    );
}

/// Descriptions' `code spans` are shown as code, not as backticks, and stay escaped; a lone
/// backtick is left as it is.
#[test]
fn code_spans_become_code_and_stay_escaped() {
    assert_eq!(
        super::inline("The webhook id (`wh_…`), or `<b>`."),
        "The webhook id (<code>wh_…</code>), or <code>&lt;b&gt;</code>."
    );
    assert_eq!(super::inline("a ` alone"), "a ` alone");
    assert_eq!(super::inline("``"), "``");
    let html = super::render_reference(&crate::api::routes().1);
    assert!(
        html.contains("<code>wh_…</code>"),
        "path parameter descriptions"
    );
    assert!(!html.contains("(`wh_"), "no raw backticks around ids");
}

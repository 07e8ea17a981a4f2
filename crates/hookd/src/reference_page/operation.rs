//! One operation's section of the API reference: method and path heading,
//! summary and description, the parameters table, the request body with its
//! field table, and each response with its schema. Field tables are shown for
//! request bodies and success responses; error responses link to their schema.

use std::fmt::Write;

use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::{Components, Deprecated, RefOr, Required, Schema};

use super::schema_table::Schemas;
use super::{Op, badge, escape, inline, paragraphs, search_text};

/// Appends the section for one operation: heading, text, parameters, body and responses.
pub(super) fn render(
    html: &mut String,
    op: &Op<'_>,
    schemas: &Schemas<'_>,
    components: Option<&Components>,
) {
    let o = op.op;
    let deprecated = matches!(o.deprecated, Some(Deprecated::True));
    let _ = write!(
        html,
        "<article class=\"op\" id=\"{}\" data-op=\"{}\"><h3>{} <code class=\"path\">{}</code>{}</h3>",
        escape(&op.id),
        search_text(op),
        badge(op.method),
        escape(op.path),
        if deprecated {
            " <span class=\"deprecated\">deprecated</span>"
        } else {
            ""
        },
    );
    if let Some(summary) = o.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        let _ = write!(html, "<p class=\"summary\">{}</p>", inline(summary));
    }
    // A description that only repeats the summary adds nothing.
    if let Some(description) = o
        .description
        .as_deref()
        .filter(|d| Some(*d) != o.summary.as_deref())
    {
        html.push_str(&paragraphs(description));
    }
    let overridden = |p: &Parameter| {
        o.parameters
            .iter()
            .flatten()
            .any(|q| q.name == p.name && q.parameter_in == p.parameter_in)
    };
    let inherited = op
        .item
        .parameters
        .iter()
        .flatten()
        .filter(|p| !overridden(p));
    let params: Vec<&Parameter> = inherited.chain(o.parameters.iter().flatten()).collect();
    if !params.is_empty() {
        html.push_str(
            "<h4>Parameters</h4><div class=\"scroll\"><table><thead><tr><th>Name</th><th>In</th>\
             <th>Required</th><th>Type</th><th>Description</th></tr></thead><tbody>",
        );
        for p in params {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td data-label=\"In\">{}</td><td data-label=\"Required\">{}</td>\
                 <td data-label=\"Type\">{}</td><td data-label=\"Description\">{}</td></tr>",
                escape(&p.name),
                location(&p.parameter_in),
                if matches!(p.required, Required::True) {
                    "yes"
                } else {
                    "no"
                },
                p.schema
                    .as_ref()
                    .map(|s| schemas.label(s))
                    .unwrap_or_default(),
                p.description.as_deref().map(paragraphs).unwrap_or_default(),
            );
        }
        html.push_str("</tbody></table></div>");
    }
    if let Some(body) = &o.request_body {
        let required = matches!(body.required, Some(Required::True));
        let _ = write!(
            html,
            "<h4>Request body{}</h4>",
            if required {
                " <small>(required)</small>"
            } else {
                ""
            }
        );
        html.push_str(
            &body
                .description
                .as_deref()
                .map(paragraphs)
                .unwrap_or_default(),
        );
        for (content_type, content) in &body.content {
            render_content(html, content_type, content.schema.as_ref(), schemas, true);
        }
    }
    html.push_str("<h4>Responses</h4>");
    for (status, response) in &o.responses.responses {
        let Some(response) = resolve_response(response, components) else {
            continue;
        };
        let class = match status.as_bytes().first() {
            Some(b'2') => "ok",
            Some(b'4' | b'5') => "err",
            _ => "other",
        };
        let _ = write!(
            html,
            "<div class=\"response\"><p><span class=\"status {class}\">{}</span> {}</p>",
            escape(status),
            inline(&response.description),
        );
        for (content_type, content) in &response.content {
            render_content(
                html,
                content_type,
                content.schema.as_ref(),
                schemas,
                class == "ok",
            );
        }
        html.push_str("</div>");
    }
    html.push_str("</article>");
}

/// Content type and schema label; the field table too when `expand` or the schema is inline.
fn render_content(
    html: &mut String,
    content_type: &str,
    schema: Option<&RefOr<Schema>>,
    schemas: &Schemas<'_>,
    expand: bool,
) {
    let _ = write!(
        html,
        "<p class=\"content\"><code>{}</code>",
        escape(content_type)
    );
    if let Some(schema) = schema {
        let _ = write!(html, " — {}</p>", schemas.label(schema));
        if expand || !matches!(schema, RefOr::Ref(_)) {
            html.push_str(&schemas.table(schema));
        }
    } else {
        html.push_str("</p>");
    }
}

fn resolve_response<'a>(
    response: &'a RefOr<Response>,
    components: Option<&'a Components>,
) -> Option<&'a Response> {
    match response {
        RefOr::T(response) => Some(response),
        RefOr::Ref(r) => {
            let name = r.ref_location.strip_prefix("#/components/responses/")?;
            match components?.responses.get(name)? {
                RefOr::T(response) => Some(response),
                RefOr::Ref(_) => None,
            }
        }
    }
}

fn location(place: &ParameterIn) -> &'static str {
    match place {
        ParameterIn::Query => "query",
        ParameterIn::Path => "path",
        ParameterIn::Header => "header",
        ParameterIn::Cookie => "cookie",
    }
}

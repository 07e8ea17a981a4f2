//! The API reference served at `GET /docs`: one self-contained HTML page rendered
//! on the server from the OpenAPI document that utoipa generates. It needs no
//! network (inline CSS, no fonts or CDN scripts) and is fully readable without
//! JavaScript; a few lines of inline script only add the "Filter operations" box.
//! Every piece of text taken from the document is HTML-escaped. It knows the OpenAPI
//! document only, not the routes: `api::system` serves the page it renders.

mod operation;
mod schema_table;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fmt::Write;

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Components, OpenApi, RefOr};

use schema_table::{Schemas, schema_anchor};

/// Tag heading for operations that declare no tag.
const UNTAGGED: &str = "Other";

/// One operation of the document, with the anchor its section gets on the page.
struct Op<'a> {
    method: &'static str,
    path: &'a str,
    item: &'a PathItem,
    op: &'a Operation,
    id: String,
}

/// The content security policy of the reference page: nothing from elsewhere, its own inline
/// style, and only its own filter script, allowed by hash.
pub fn content_security_policy() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT));
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'; \
         img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// Renders the API reference page for `openapi` as a complete HTML document.
pub fn render_reference(openapi: &OpenApi) -> String {
    let components = openapi.components.as_ref();
    let schemas = Schemas::new(components.map(|c| &c.schemas));
    let groups = group_by_tag(openapi, operations(openapi));
    let info = &openapi.info;
    let mut html = String::with_capacity(64 * 1024);
    let title = escape(&info.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} API reference</title><style>{CSS}</style></head><body>\
         <header><h1>{title} <span class=\"version\">v{}</span></h1>{}{}</header>",
        escape(&info.version),
        info.description
            .as_deref()
            .map(paragraphs)
            .unwrap_or_default(),
        components.map(auth_note).unwrap_or_default(),
    );
    html.push_str(
        "<p class=\"filter\" hidden><label for=\"filter\">Filter operations</label> \
         <input id=\"filter\" type=\"search\" autocomplete=\"off\" placeholder=\"method, path or summary\"></p>\
         <nav aria-label=\"Contents\"><h2>Contents</h2>",
    );
    for (tag, _, ops) in &groups {
        let _ = write!(html, "<h3>{}</h3><ul>", escape(tag));
        for op in ops {
            let _ = write!(
                html,
                "<li data-op=\"{}\"><a href=\"#{}\">{} <code>{}</code></a> {}</li>",
                search_text(op),
                escape(&op.id),
                badge(op.method),
                escape(op.path),
                inline(op.op.summary.as_deref().unwrap_or_default()),
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("<p><a href=\"#schemas\">Schemas</a></p></nav><main>");
    for (tag, description, ops) in &groups {
        let _ = write!(
            html,
            "<section class=\"tag\"><h2>{}</h2>{}",
            escape(tag),
            description.map(paragraphs).unwrap_or_default()
        );
        for op in ops {
            operation::render(&mut html, op, &schemas, components);
        }
        html.push_str("</section>");
    }
    html.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    for (name, schema) in components.map(|c| &c.schemas).into_iter().flatten() {
        let table = schemas.table(&RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            name.as_str(),
        )));
        let label = schemas.label(schema);
        let _ = write!(
            html,
            "<article class=\"schema\" id=\"{}\"><h3><code>{}</code></h3>{}",
            escape(&schema_anchor(name)),
            escape(name),
            schema_table::description(schema)
                .map(paragraphs)
                .unwrap_or_default(),
        );
        if table.is_empty() || label != "object" {
            let _ = write!(html, "<p class=\"type\">Type: {label}</p>");
        }
        let _ = write!(html, "{table}</article>");
    }
    let _ = writeln!(
        html,
        "</section></main><script>{SCRIPT}</script></body></html>"
    );
    html
}

/// Every operation in path order, each with a unique anchor id.
fn operations(openapi: &OpenApi) -> Vec<Op<'_>> {
    let mut seen = HashSet::new();
    let mut ops = Vec::new();
    for (path, item) in &openapi.paths.paths {
        let methods = [
            ("get", &item.get),
            ("put", &item.put),
            ("post", &item.post),
            ("delete", &item.delete),
            ("options", &item.options),
            ("head", &item.head),
            ("patch", &item.patch),
            ("trace", &item.trace),
        ];
        for (method, op) in methods {
            let Some(op) = op else { continue };
            let base = format!("op-{method}-{}", slug(path));
            let mut id = base.clone();
            for n in 2.. {
                if seen.insert(id.clone()) {
                    break;
                }
                id = format!("{base}-{n}");
            }
            ops.push(Op {
                method,
                path,
                item,
                op,
                id,
            });
        }
    }
    ops
}

type Group<'a> = (String, Option<&'a str>, Vec<Op<'a>>);

/// Groups operations by their first tag: declared tags first, then others as met, "Other" last.
fn group_by_tag<'a>(openapi: &'a OpenApi, ops: Vec<Op<'a>>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = openapi
        .tags
        .iter()
        .flatten()
        .map(|t| (t.name.clone(), t.description.as_deref(), Vec::new()))
        .collect();
    for op in ops {
        let tag = op
            .op
            .tags
            .iter()
            .flatten()
            .next()
            .map_or(UNTAGGED, String::as_str);
        let index = groups.iter().position(|g| g.0 == tag).unwrap_or_else(|| {
            groups.push((tag.to_owned(), None, Vec::new()));
            groups.len() - 1
        });
        groups[index].2.push(op);
    }
    groups.retain(|g| !g.2.is_empty());
    groups.sort_by_key(|g| g.0 == UNTAGGED);
    groups
}

/// A short "Authentication" section describing each security scheme.
fn auth_note(components: &Components) -> String {
    if components.security_schemes.is_empty() {
        return String::new();
    }
    let mut note = String::from("<section class=\"auth\"><h2>Authentication</h2><ul>");
    for (name, scheme) in &components.security_schemes {
        let (how, description) = match scheme {
            SecurityScheme::Http(http) => {
                let how = match http.scheme {
                    HttpAuthScheme::Bearer => {
                        let format = http
                            .bearer_format
                            .as_deref()
                            .map(|f| format!(" ({})", escape(f)));
                        format!(
                            "Bearer token{} in the <code>Authorization</code> header",
                            format.unwrap_or_default()
                        )
                    }
                    HttpAuthScheme::Basic => {
                        "HTTP Basic credentials in the <code>Authorization</code> header".to_owned()
                    }
                    ref other => {
                        let scheme = serde_json::to_value(other).ok();
                        let scheme = scheme.as_ref().and_then(|s| s.as_str()).unwrap_or("custom");
                        format!("HTTP <code>{}</code> authentication", escape(scheme))
                    }
                };
                (how, http.description.as_deref())
            }
            SecurityScheme::ApiKey(key) => {
                let (value, place) = match key {
                    ApiKey::Header(v) => (v, "header"),
                    ApiKey::Query(v) => (v, "query parameter"),
                    ApiKey::Cookie(v) => (v, "cookie"),
                };
                (
                    format!(
                        "API key in the <code>{}</code> {place}",
                        escape(&value.name)
                    ),
                    value.description.as_deref(),
                )
            }
            SecurityScheme::OAuth2(oauth) => ("OAuth 2.0".to_owned(), oauth.description.as_deref()),
            SecurityScheme::OpenIdConnect(oidc) => (
                format!(
                    "OpenID Connect (<code>{}</code>)",
                    escape(&oidc.open_id_connect_url)
                ),
                oidc.description.as_deref(),
            ),
            SecurityScheme::MutualTls { description, .. } => (
                "Mutual TLS client certificate".to_owned(),
                description.as_deref(),
            ),
        };
        let _ = write!(note, "<li><strong>{}</strong>: {how}.", escape(name));
        if let Some(description) = description {
            let _ = write!(note, " {}", escape(description));
        }
        note.push_str("</li>");
    }
    note.push_str("</ul></section>");
    note
}

/// The coloured method label, e.g. GET on green.
fn badge(method: &str) -> String {
    format!(
        "<span class=\"method {method}\">{}</span>",
        method.to_ascii_uppercase()
    )
}

/// Lower-cased text the filter box matches against (already attribute-escaped).
fn search_text(op: &Op<'_>) -> String {
    let o = op.op;
    let text = [
        op.method,
        op.path,
        o.summary.as_deref().unwrap_or_default(),
        o.operation_id.as_deref().unwrap_or_default(),
    ];
    let tags = o.tags.iter().flatten().map(String::as_str);
    escape(
        &text
            .into_iter()
            .chain(tags)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    )
}

/// Turns `text` into escaped `<p>` paragraphs, split on blank lines.
fn paragraphs(text: &str) -> String {
    let mut html = String::new();
    for paragraph in text.split("\n\n").flat_map(|p| p.split("\r\n\r\n")) {
        let lines: Vec<&str> = paragraph
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if !lines.is_empty() {
            let _ = write!(html, "<p>{}</p>", inline(&lines.join("\n")));
        }
    }
    html
}

/// Escapes `text` and renders its `code spans` (the only markdown the descriptions use) as
/// `<code>`; a lone backtick stays as it is.
fn inline(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(length) = rest[open + 1..].find('`') else {
            break;
        };
        let code = &rest[open + 1..open + 1 + length];
        html.push_str(&escape(&rest[..open]));
        if code.is_empty() {
            html.push_str("``");
        } else {
            let _ = write!(html, "<code>{}</code>", escape(code));
        }
        rest = &rest[open + length + 2..];
    }
    html.push_str(&escape(rest));
    html
}

/// A fragment-id-safe form of `text`: ASCII letters, digits, `_` and `.` kept, runs of anything else become one `-`.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').to_owned()
}

/// Escapes `& < > " '` so `text` is safe in element content and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0 auto;max-width:1000px;padding:1rem 1.25rem 3rem;font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:#1f2328;background:#fff}\
h1{font-size:1.9rem;margin:.5rem 0}h2{margin-top:2.5rem;padding-bottom:.3rem;border-bottom:1px solid #d0d7de}\
h3{margin:0 0 .5rem;font-size:1.15rem;overflow-wrap:anywhere}h4{margin:1.2rem 0 .4rem}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}\
a{color:#0969da}.version{font-size:.9rem;font-weight:400;color:#57606a}\
.method{display:inline-block;min-width:4.6em;padding:0 .4em;border-radius:4px;background:#6e7781;color:#fff;font:700 .72rem/1.7 ui-monospace,monospace;text-align:center;vertical-align:middle}\
.get{background:#1a7f37}.post{background:#0969da}.patch{background:#9a6700}.delete{background:#cf222e}.put{background:#8250df}\
nav ul{list-style:none;padding:0;margin:0 0 1rem}nav li{margin:.2rem 0}nav h3{margin-top:1rem;font-size:1rem}\
.op{margin:1.5rem 0;padding:1rem;border:1px solid #d0d7de;border-radius:6px}.summary{font-weight:600}\
.schema{margin:1.5rem 0}.deprecated{font-size:.75rem;color:#cf222e}\
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border:1px solid #d0d7de;padding:.35rem .55rem;text-align:left;vertical-align:top}th{background:#f6f8fa}\
td p,.auth p{margin:0 0 .3rem}td p:last-child{margin:0}\
.d1 td:first-child{padding-left:1.6rem}.d2 td:first-child{padding-left:2.7rem}.d3 td:first-child{padding-left:3.8rem}\
.nest,.fmt{color:#57606a}\
.status{display:inline-block;padding:0 .45em;border-radius:4px;font:700 .8rem/1.6 ui-monospace,monospace;background:#eaeef2}\
.status.ok{background:#dafbe1;color:#116329}.status.err{background:#ffebe9;color:#a40e26}\
.response{margin:.4rem 0 .8rem}.response p{margin:.2rem 0}.content{color:#57606a}\
.filter input{width:100%;max-width:24rem;padding:.4rem .5rem;font:inherit;border:1px solid #d0d7de;border-radius:6px}\
@media (max-width:600px){body{padding:.75rem .75rem 2rem;font-size:15px}.op{padding:.7rem}\
thead{display:none}table,tbody,tr,td{display:block}tr{margin:.5rem 0;padding:.35rem .6rem;border:1px solid #d0d7de;border-radius:6px}\
td,.d1 td:first-child,.d2 td:first-child,.d3 td:first-child{padding:.1rem 0;border:0}td:empty{display:none}td:first-child code{font-weight:600}\
td[data-label]::before{content:attr(data-label) \": \";color:#57606a;font-size:.85em}td[data-label] p{display:inline}\
tr.d1{margin-left:1rem}tr.d2{margin-left:2rem}tr.d3{margin-left:3rem}}";

const SCRIPT: &str = "\
var box=document.querySelector('.filter');box.hidden=false;\
document.getElementById('filter').addEventListener('input',function(e){\
var q=e.target.value.trim().toLowerCase();\
document.querySelectorAll('[data-op]').forEach(function(el){el.hidden=q!==''&&el.dataset.op.indexOf(q)<0;});\
document.querySelectorAll('section.tag').forEach(function(s){s.hidden=!s.querySelector('.op:not([hidden])');});});";

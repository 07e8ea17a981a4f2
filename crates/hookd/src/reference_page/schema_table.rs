//! Schema rendering for the API reference page: short type labels such as
//! `array of Endpoint` or `string or null`, and field tables that list an
//! object's properties with nested objects indented beneath their parent.
//! `$ref`s to `#/components/schemas/X` become links to `#schema-X`; expansion
//! stops at [`MAX_DEPTH`] levels and never re-enters a schema already being
//! expanded, so self-referential schemas show a link instead of looping.

use std::collections::BTreeMap;
use std::fmt::Write;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};

use super::{escape, paragraphs};

/// How many levels of nested fields a table shows before falling back to links.
pub(super) const MAX_DEPTH: usize = 4;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The document's component schemas, used to resolve `$ref`s while rendering.
pub(super) struct Schemas<'a> {
    components: Option<&'a BTreeMap<String, RefOr<Schema>>>,
}

/// The fragment id of the "Schemas" entry for component `name`.
pub(super) fn schema_anchor(name: &str) -> String {
    format!("schema-{}", super::slug(name))
}

impl<'a> Schemas<'a> {
    pub(super) fn new(components: Option<&'a BTreeMap<String, RefOr<Schema>>>) -> Self {
        Self { components }
    }

    /// Resolves a `$ref` location to the component's name and schema, if it exists.
    fn lookup(&self, location: &str) -> Option<(&'a str, &'a RefOr<Schema>)> {
        let name = location.strip_prefix(SCHEMA_PREFIX)?;
        self.components?
            .get_key_value(name)
            .map(|(name, schema)| (name.as_str(), schema))
    }

    /// A short HTML type label for `schema`; component references link to their entry.
    pub(super) fn label(&self, schema: &RefOr<Schema>) -> String {
        let schema = match schema {
            RefOr::Ref(r) => return self.ref_label(&r.ref_location),
            RefOr::T(schema) => schema,
        };
        match schema {
            Schema::Object(o) => match &o.enum_values {
                Some(values) => {
                    let values: Vec<String> = values
                        .iter()
                        .map(|v| format!("<code>{}</code>", escape(&v.to_string())))
                        .collect();
                    format!("one of {}", values.join(", "))
                }
                None => {
                    let mut label =
                        self.type_label(&o.schema_type, o.additional_properties.as_deref());
                    if let Some(format) =
                        o.format.as_ref().and_then(|f| serde_json::to_value(f).ok())
                    {
                        let format = format.as_str().map(escape).unwrap_or_default();
                        let _ = write!(label, " <span class=\"fmt\">({format})</span>");
                    }
                    label
                }
            },
            Schema::Array(a) => {
                let items = match &a.items {
                    ArrayItems::RefOrSchema(items) => self.label(items),
                    ArrayItems::False => "nothing".to_owned(),
                };
                let nullable = matches!(&a.schema_type, SchemaType::Array(types) if types.contains(&Type::Null));
                format!("array of {items}{}", if nullable { " or null" } else { "" })
            }
            Schema::OneOf(o) => self.alternatives(&o.items, " or "),
            Schema::AnyOf(o) => self.alternatives(&o.items, " or "),
            Schema::AllOf(o) => self.alternatives(&o.items, " and "),
            _ => "any".to_owned(),
        }
    }

    fn ref_label(&self, location: &str) -> String {
        match self.lookup(location) {
            Some((name, _)) => format!(
                "<a href=\"#{}\"><code>{}</code></a>",
                escape(&schema_anchor(name)),
                escape(name)
            ),
            None => {
                let name = location.rsplit('/').next().unwrap_or(location);
                format!("<code>{}</code>", escape(name))
            }
        }
    }

    fn type_label(
        &self,
        schema_type: &SchemaType,
        additional: Option<&AdditionalProperties<Schema>>,
    ) -> String {
        match schema_type {
            SchemaType::Type(Type::Object) => match additional {
                Some(AdditionalProperties::RefOr(values)) => {
                    format!("map of {}", self.label(values))
                }
                _ => "object".to_owned(),
            },
            SchemaType::Type(t) => type_name(t).to_owned(),
            SchemaType::Array(types) => {
                let mut names: Vec<&str> = types
                    .iter()
                    .filter(|t| **t != Type::Null)
                    .map(type_name)
                    .collect();
                if types.contains(&Type::Null) {
                    names.push("null");
                }
                names.join(" or ")
            }
            SchemaType::AnyValue => "any".to_owned(),
        }
    }

    /// Joins the labels of composite members; a `null` member becomes a trailing "or null".
    fn alternatives(&self, items: &[RefOr<Schema>], joiner: &str) -> String {
        let labels: Vec<String> = items
            .iter()
            .filter(|s| !is_null(s))
            .map(|s| self.label(s))
            .collect();
        let mut label = if labels.is_empty() {
            "null".to_owned()
        } else {
            labels.join(joiner)
        };
        if !labels.is_empty() && items.iter().any(is_null) {
            label.push_str(" or null");
        }
        label
    }

    /// The field table for `schema` (or what it refers to), or an empty string when it has no fields.
    pub(super) fn table(&self, schema: &RefOr<Schema>) -> String {
        let mut rows = String::new();
        self.rows(schema, 0, &mut Vec::new(), &mut rows);
        if rows.is_empty() {
            return rows;
        }
        format!(
            "<div class=\"scroll\"><table class=\"fields\"><thead><tr><th>Field</th><th>Type</th>\
             <th>Required</th><th>Description</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
    }

    /// Appends one row per field of `schema` at indentation `depth`; `stack` holds the
    /// component names being expanded so a cycle shows a link rather than recursing.
    fn rows(
        &self,
        schema: &'a RefOr<Schema>,
        depth: usize,
        stack: &mut Vec<&'a str>,
        out: &mut String,
    ) {
        let schema = match schema {
            RefOr::Ref(r) => {
                if let Some((name, target)) = self.lookup(&r.ref_location)
                    && !stack.contains(&name)
                    && stack.len() < MAX_DEPTH
                {
                    stack.push(name);
                    self.rows(target, depth, stack, out);
                    stack.pop();
                }
                return;
            }
            RefOr::T(schema) => schema,
        };
        match schema {
            Schema::Object(o) => {
                for (name, field) in &o.properties {
                    self.row(name, field, o.required.contains(name), depth, stack, out);
                }
            }
            Schema::Array(a) => {
                if let ArrayItems::RefOrSchema(items) = &a.items {
                    self.rows(items, depth, stack, out);
                }
            }
            Schema::AllOf(all) => all
                .items
                .iter()
                .for_each(|item| self.rows(item, depth, stack, out)),
            Schema::OneOf(one) => self.single_alternative(&one.items, depth, stack, out),
            Schema::AnyOf(any) => self.single_alternative(&any.items, depth, stack, out),
            _ => {}
        }
    }

    /// Expands `X` in `oneOf [X, null]`; real unions are only labelled, not expanded.
    fn single_alternative(
        &self,
        items: &'a [RefOr<Schema>],
        depth: usize,
        stack: &mut Vec<&'a str>,
        out: &mut String,
    ) {
        let mut real = items.iter().filter(|s| !is_null(s));
        if let (Some(only), None) = (real.next(), real.next()) {
            self.rows(only, depth, stack, out);
        }
    }

    fn row(
        &self,
        name: &str,
        field: &'a RefOr<Schema>,
        required: bool,
        depth: usize,
        stack: &mut Vec<&'a str>,
        out: &mut String,
    ) {
        let marker = if depth > 0 {
            "<span class=\"nest\" aria-hidden=\"true\">↳ </span>"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr class=\"d{depth}\"><td>{marker}<code>{}</code></td><td data-label=\"Type\">{}</td>\
             <td data-label=\"Required\">{}</td><td data-label=\"Description\">{}</td></tr>",
            escape(name),
            self.label(field),
            if required { "yes" } else { "no" },
            description(field).map(paragraphs).unwrap_or_default(),
        );
        if depth + 1 < MAX_DEPTH {
            self.rows(field, depth + 1, stack, out);
        }
    }
}

/// The description written on a schema or on the `$ref` pointing at it; for a composite
/// without one, the first member's (utoipa puts an `Option<T>` field's doc on `T`'s `$ref`).
pub(super) fn description(schema: &RefOr<Schema>) -> Option<&str> {
    let (own, members) = match schema {
        RefOr::Ref(r) => (Some(r.description.as_str()), &[][..]),
        RefOr::T(Schema::Object(o)) => (o.description.as_deref(), &[][..]),
        RefOr::T(Schema::Array(a)) => (a.description.as_deref(), &[][..]),
        RefOr::T(Schema::OneOf(o)) => (o.description.as_deref(), &o.items[..]),
        RefOr::T(Schema::AllOf(o)) => (o.description.as_deref(), &o.items[..]),
        RefOr::T(Schema::AnyOf(o)) => (o.description.as_deref(), &o.items[..]),
        RefOr::T(_) => (None, &[][..]),
    };
    own.filter(|t| !t.trim().is_empty())
        .or_else(|| members.iter().find_map(description))
}

fn is_null(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null))
}

fn type_name(t: &Type) -> &'static str {
    match t {
        Type::Object => "object",
        Type::String => "string",
        Type::Integer => "integer",
        Type::Number => "number",
        Type::Boolean => "boolean",
        Type::Array => "array",
        Type::Null => "null",
    }
}

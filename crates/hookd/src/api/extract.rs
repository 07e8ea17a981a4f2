//! Extractors that turn bad input into the right problem: malformed JSON is 400, a body over
//! its limit 413, and JSON of the wrong shape 422 naming the field (found with
//! `serde_path_to_error`). Query strings and path ids get the same care: every rejection is
//! problem+json, and no text of either may hold NUL (`nul`).

use super::error::ApiError;
use super::nul::{NUL_MESSAGE, NoNul};
use crate::model::FieldError;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The body limit of routes that don't set their own.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body of at most `DEFAULT_BODY_LIMIT` bytes, whatever its content type.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        read_json(request.into_body(), DEFAULT_BODY_LIMIT)
            .await
            .map(JsonBody)
    }
}

/// An optional JSON body of at most `DEFAULT_BODY_LIMIT` bytes: `None` when the body is empty
/// (or only whitespace) or `null`, for routes whose body may be left out.
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = read_bytes(request.into_body(), DEFAULT_BODY_LIMIT).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        parse_json::<Option<T>>(&bytes).map(Self)
    }
}

/// Reads and parses a JSON body of at most `limit` bytes.
pub async fn read_json<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, ApiError> {
    parse_json(&read_bytes(body, limit).await?)
}

/// Reads a body of at most `limit` bytes; a longer one is 413.
pub async fn read_bytes(body: Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut causes = std::iter::successors(std::error::Error::source(&error), |e| e.source());
        let cause = causes.find(|cause| {
            cause.is::<http_body_util::LengthLimitError>()
                || cause.is::<crate::listener::BodyTimedOut>()
        });
        if cause.is_some_and(|cause| cause.is::<http_body_util::LengthLimitError>()) {
            ApiError::TooLarge(limit)
        } else if cause.is_some() {
            ApiError::BodyTimeout
        } else {
            ApiError::MalformedJson(format!("could not read the body: {error}"))
        }
    })
}

/// Parses JSON, telling malformed text (400) from well-formed JSON of the wrong shape (422).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson(
            "The body is empty; expected a JSON object.".into(),
        ));
    }
    // Every body is an object. serde would read an array into a struct field by field (`["a"]`
    // as its first field), so an array is refused here, as a whole; malformed text stays a 400.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => ApiError::Invalid(vec![FieldError::new(
                    "body",
                    "invalid_type",
                    "wrong type: an array, expected a JSON object",
                )]),
                Err(error) => {
                    ApiError::MalformedJson(format!("The body is not valid JSON: {error}."))
                }
            },
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(NoNul(&mut deserializer)).map_err(|error| {
        let inner = error.inner();
        if inner.is_data() {
            ApiError::Invalid(vec![shape_error(
                &error.path().to_string(),
                &strip_position(&inner.to_string()),
            )])
        } else {
            ApiError::MalformedJson(format!("The body is not valid JSON: {inner}."))
        }
    })?;
    deserializer.end().map_err(|error| {
        ApiError::MalformedJson(format!("The body is not valid JSON: {error}."))
    })?;
    Ok(value)
}

/// Removes serde_json's " at line 1 column 9" suffix, which means nothing to a reader of 422s.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Names the field a deserialisation error is about. serde reports missing and unknown fields
/// at their parent, with the name in the message.
pub fn shape_error(path: &str, message: &str) -> FieldError {
    let parent = if path == "." { "" } else { path };
    if message == NUL_MESSAGE {
        let field = if parent.is_empty() { "body" } else { parent };
        return FieldError::new(field, "nul_character", NUL_MESSAGE);
    }
    let named = |prefix: &str| -> Option<String> {
        let rest = message.strip_prefix(prefix)?;
        Some(rest.split('`').next().unwrap_or_default().to_owned())
    };
    let join = |name: String| {
        if parent.is_empty() {
            name
        } else {
            format!("{parent}.{name}")
        }
    };
    if let Some(name) = named("missing field `") {
        return FieldError::new(join(name), "required", "is required");
    }
    if let Some(name) = named("unknown field `") {
        // serde_path_to_error's path already ends with the unknown key.
        let field = if parent == name || parent.ends_with(&format!(".{name}")) {
            parent.to_owned()
        } else {
            join(name)
        };
        return FieldError::new(field, "unknown_field", "is not a field of this resource");
    }
    if let Some(name) = named("duplicate field `") {
        return FieldError::new(join(name), "duplicate_field", "is given more than once");
    }
    let field = if parent.is_empty() {
        "body".to_owned()
    } else {
        parent.to_owned()
    };
    FieldError::new(
        field,
        "invalid_type",
        message.replace("invalid type: ", "wrong type: "),
    )
}

/// A query string parsed into `T`; unknown parameters are ignored, bad values are 422.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(NoNul(deserializer))
            .map(ApiQuery)
            .map_err(|error| {
                let message = error.inner().to_string();
                let path = error.path().to_string();
                let mut field = shape_error(&path, &message);
                if field.code == "invalid_type" {
                    field.message = format!("is not valid: {message}");
                }
                ApiError::Invalid(vec![field])
            })
    }
}

/// A path parameter as text. A segment that does not decode (bad percent-encoding, not UTF-8)
/// can't name anything, so it is a 404 problem like any unknown id, never axum's plain-text 400.
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(text)| Self(text))
            .map_err(|_| ApiError::NotFound)
    }
}

/// Parses an id from the path; a malformed id can't name anything, so it is 404.
pub fn path_id<T>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, crate::model::InvalidId>,
) -> Result<T, ApiError> {
    parse(text).map_err(|_| ApiError::NotFound)
}

/// Parses an optional query parameter; a value that doesn't parse is a 422 naming it.
pub fn param<T, E: std::fmt::Display>(
    field: &str,
    code: &'static str,
    value: Option<String>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, ApiError> {
    value
        .map(|text| parse(&text).map_err(|e| ApiError::field(field, code, e.to_string())))
        .transpose()
}

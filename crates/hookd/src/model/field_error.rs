//! A validation failure pinned to one input field, as the API reports it in `errors[]`.

/// One bad field: where (`url`, `events[2]`, `events[0].data`), a stable code, and words for a
/// person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The same error under a parent field (`data` becomes `events[3].data`).
    pub fn under(mut self, parent: &str) -> Self {
        if !parent.is_empty() {
            self.field = format!("{parent}.{}", self.field);
        }
        self
    }
}

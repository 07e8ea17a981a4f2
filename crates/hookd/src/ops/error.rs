//! `OpError`: why an operation did not happen, in the operation's terms; the HTTP layer decides
//! the status and wording.

use crate::dispatch::gates::Closed;
use crate::model::FieldError;
use crate::publish::PublishError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// What it acts on does not exist, or the caller may not see it.
    #[error("not found")]
    NotFound,
    /// Input that breaks a rule only the operation can check (a URL that resolves to a
    /// forbidden address, an event the catalog's schema refuses), one entry per field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The state of things refuses it: a limit reached, a webhook disabled.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// An outbound limit holds a request to a receiver back.
    #[error("held back by an outbound limit")]
    Busy(Closed),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of hookd's own was broken (a bug, never the caller's input).
    #[error("{0}")]
    Internal(String),
}

impl OpError {
    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<PublishError> for OpError {
    fn from(error: PublishError) -> Self {
        match error {
            PublishError::Invalid(errors) => OpError::Invalid(errors),
            PublishError::Store(error) => OpError::Store(error),
        }
    }
}

//! Errors of the storage layer, independent of the backend.

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; carries the constraint's name.
    #[error("conflicts with an existing row ({0})")]
    Conflict(String),
    /// The database is unreachable or closed; the caller may retry later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored secret does not open with the configured keys (a key was removed or is
    /// wrong); the message says which key sealed it.
    #[error("{0}")]
    Sealed(String),
    /// A row the write depends on is gone (an inbox deleted while a request to it was
    /// being stored).
    #[error("not found")]
    NotFound,
    /// Anything else: a bug or a corrupt database.
    #[error("database error: {0}")]
    Internal(String),
}

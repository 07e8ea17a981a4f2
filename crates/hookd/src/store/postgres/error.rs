//! PostgreSQL errors as `StoreError`s: what a caller may retry (the server is down, restarting,
//! or chose this transaction as a deadlock victim) is `Unavailable`; a unique constraint is a
//! `Conflict`; the rest is `Internal`.

use crate::store::StoreError;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                if code == "23505" {
                    StoreError::Conflict(db.constraint().unwrap_or_default().to_owned())
                } else if retryable(&code) {
                    StoreError::Unavailable(error.to_string())
                } else {
                    StoreError::Internal(error.to_string())
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => StoreError::Unavailable(error.to_string()),
            _ => StoreError::Internal(error.to_string()),
        }
    }
}

/// SQLSTATEs that mean "try again": connection exceptions (08), serialization failure and
/// deadlock (40001, 40P01), the server shutting down or starting (57P01-57P03), too many
/// connections (53300).
fn retryable(code: &str) -> bool {
    code.starts_with("08")
        || matches!(
            code,
            "40001" | "40P01" | "57P01" | "57P02" | "57P03" | "53300"
        )
}

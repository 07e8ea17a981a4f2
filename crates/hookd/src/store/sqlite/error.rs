//! SQLite's errors as the storage layer's: a constraint is a conflict, a busy or unopenable
//! database is unavailable (the caller may retry), anything else is internal.

use crate::store::StoreError;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match &error {
            rusqlite::Error::SqliteFailure(code, message)
                if code.code == ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(message.clone().unwrap_or_default())
            }
            rusqlite::Error::SqliteFailure(code, _)
                if matches!(
                    code.code,
                    ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::CannotOpen
                ) =>
            {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Internal(error.to_string()),
        }
    }
}

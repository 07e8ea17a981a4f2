//! List answers: `{"data": [...], "next_cursor": ...}`, newest first, with `limit` (default 50,
//! at most 250) and an opaque `cursor` (the id of the last item of the previous page).

use super::error::ApiError;
use crate::store::Page;
use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 250;

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListOf<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Checks `limit` and `cursor`. The store is asked for one row more than the limit, so that
/// `list_of` can tell whether another page exists.
pub fn page(
    limit: Option<u32>,
    cursor: Option<String>,
    cursor_is_valid: impl Fn(&str) -> bool,
) -> Result<(Page, usize), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    if let Some(cursor) = &cursor
        && !cursor_is_valid(cursor)
    {
        return Err(ApiError::field(
            "cursor",
            "invalid_cursor",
            "is not a cursor returned by this list",
        ));
    }
    Ok((
        Page {
            limit: limit as usize + 1,
            before: cursor,
        },
        limit as usize,
    ))
}

/// Shapes rows fetched with `page` into a list answer.
pub fn list_of<R, T>(
    mut rows: Vec<R>,
    limit: usize,
    id_of: impl Fn(&R) -> String,
    shape: impl FnMut(R) -> T,
) -> ListOf<T> {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(&id_of)
    } else {
        None
    };
    ListOf {
        data: rows.into_iter().map(shape).collect(),
        next_cursor,
    }
}

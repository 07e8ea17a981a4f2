//! `WHERE` clauses for list queries with optional filters: each filter that is present becomes
//! its own condition (so SQLite can use an index for it, which `?1 IS NULL OR ...` prevents),
//! then keyset paging by id, newest first.

use crate::store::Page;
use rusqlite::types::Value;

pub struct Conditions {
    sql: String,
    values: Vec<Value>,
}

impl Conditions {
    /// Starts from `SELECT <columns> FROM <table>`.
    pub fn select(columns: &str, table: &str) -> Self {
        Self {
            sql: format!("SELECT {columns} FROM {table} WHERE 1 = 1"),
            values: Vec::new(),
        }
    }

    /// Adds `AND <clause>`, where the clause has one `?` for `value`.
    pub fn and(&mut self, clause: &str, value: impl Into<Value>) -> &mut Self {
        self.sql.push_str(" AND ");
        self.sql.push_str(clause);
        self.values.push(value.into());
        self
    }

    /// Adds `AND <clause>` when `value` is present.
    pub fn and_some<T: Into<Value>>(&mut self, clause: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.and(clause, value);
        }
        self
    }

    /// Ends with the page: ids before the cursor, newest first, at most `limit` rows.
    pub fn page(mut self, page: &Page) -> (String, Vec<Value>) {
        self.and_some("id < ?", page.before.clone());
        self.sql.push_str(" ORDER BY id DESC LIMIT ?");
        self.values.push(Value::Integer(page.limit as i64));
        (self.sql, self.values)
    }
}

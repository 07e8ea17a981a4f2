//! Tenants: the unit of isolation. A tenant token sees only its tenant's webhooks, events,
//! deliveries and logs; the admin token sees every tenant.

use std::fmt;
use std::sync::Arc;

/// The tenant used when a request names none.
pub const DEFAULT_TENANT: &str = "default";

/// A tenant name: 1 to 64 of `[A-Za-z0-9_.-]`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tenant(Arc<str>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to 64 letters, digits, '_', '.' or '-'")]
pub struct InvalidTenant;

impl Tenant {
    pub fn parse(text: &str) -> Result<Self, InvalidTenant> {
        let valid = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if valid {
            Ok(Self(text.into()))
        } else {
            Err(InvalidTenant)
        }
    }

    pub fn default_tenant() -> Self {
        Self(DEFAULT_TENANT.into())
    }

    /// Wraps a name read back from storage, which only holds names that parsed.
    pub fn from_trusted(text: &str) -> Self {
        Self(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a caller may see: every tenant (the admin token) or one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Tenant(Tenant),
}

impl Scope {
    /// Whether a row of `tenant` is visible in this scope.
    pub fn allows(&self, tenant: &Tenant) -> bool {
        match self {
            Scope::All => true,
            Scope::Tenant(own) => own == tenant,
        }
    }

    /// The tenant this scope is limited to, if any (for `WHERE tenant = ?`).
    pub fn tenant(&self) -> Option<&Tenant> {
        match self {
            Scope::All => None,
            Scope::Tenant(own) => Some(own),
        }
    }
}

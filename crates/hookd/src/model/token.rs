//! Who is calling: the admin, who sees every tenant, or a tenant token, which sees one.

use super::{Scope, Tenant, Timestamp, TokenHash, TokenId};

/// The identity behind a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Admin,
    Tenant { token_id: TokenId, tenant: Tenant },
}

impl Principal {
    pub fn scope(&self) -> Scope {
        match self {
            Principal::Admin => Scope::All,
            Principal::Tenant { tenant, .. } => Scope::Tenant(tenant.clone()),
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Principal::Admin)
    }
}

/// A tenant token as stored: only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub name: String,
    pub tenant: Tenant,
    pub hash: TokenHash,
    pub created_at: Timestamp,
}

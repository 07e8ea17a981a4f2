//! Tenant tokens: made by the admin (the token shown once; only its hash is stored) and
//! revoked (on PostgreSQL the store signals the other nodes, which forget it at once).

use super::audit::{Caller, Change};
use super::{OpError, Operations};
use crate::model::*;

impl Operations {
    /// Makes a token for a tenant; answers its record and the token itself.
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: String,
        tenant: Tenant,
    ) -> Result<(TokenRecord, ApiToken), OpError> {
        let token = ApiToken::generate();
        let record = TokenRecord {
            id: TokenId::new(),
            name,
            tenant,
            hash: token.hash(),
            created_at: Timestamp::now(),
        };
        self.store.insert_token(&record).await?;
        tracing::info!(token_id = %record.id, tenant = %record.tenant, "tenant token created");
        let change = Change {
            action: AuditAction::TokenCreated,
            tenant: None,
            target: record.id.as_str(),
            detail: serde_json::json!({"name": record.name, "tenant": record.tenant.as_str()}),
        };
        self.audit(caller, change).await;
        Ok((record, token))
    }

    /// Revokes a token. The caller's authenticator must forget it too (its cache is the HTTP
    /// layer's).
    pub async fn revoke_token(&self, caller: &Caller, id: &TokenId) -> Result<(), OpError> {
        if !self.store.delete_token(id).await? {
            return Err(OpError::NotFound);
        }
        tracing::info!(token_id = %id, "tenant token revoked");
        let change = Change {
            action: AuditAction::TokenRevoked,
            tenant: None,
            target: id.as_str(),
            detail: serde_json::json!({}),
        };
        self.audit(caller, change).await;
        Ok(())
    }
}

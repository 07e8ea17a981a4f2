//! Who asks for an operation, and the audit log entry every change leaves: who (the admin or a
//! tenant token, from which address), what, when. Entries name fields and ids, never a secret or
//! a custom header's value.

use super::Operations;
use crate::model::*;

/// Who asks: the principal a token proved, and the address the request came from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub source_ip: Option<String>,
}

impl Caller {
    pub fn scope(&self) -> Scope {
        self.principal.scope()
    }
}

/// What one change was.
pub(crate) struct Change<'a> {
    pub action: AuditAction,
    /// The tenant changed in; `None` for server-wide changes.
    pub tenant: Option<&'a Tenant>,
    pub target: &'a str,
    pub detail: serde_json::Value,
}

impl Operations {
    /// Records a change that was made. The change stands either way: a log entry that cannot be
    /// written is reported in hookd's own log, not to the caller.
    pub(crate) async fn audit(&self, caller: &Caller, change: Change<'_>) {
        let entry = AuditEntry {
            id: AuditId::new(),
            at: Timestamp::now(),
            actor: match &caller.principal {
                Principal::Admin => Actor::Admin,
                Principal::Tenant { token_id, .. } => Actor::Token(token_id.clone()),
            },
            tenant: change.tenant.cloned(),
            action: change.action,
            target: change.target.to_owned(),
            detail: change.detail,
            source_ip: caller.source_ip.clone(),
        };
        if let Err(error) = self.store.insert_audit(&entry).await {
            tracing::error!(%error, action = entry.action.as_str(), target = %entry.target,
                "could not write an audit log entry");
        }
    }
}

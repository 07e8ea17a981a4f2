//! Who the caller is: the web UI asks once after sign-in, to show an operator's pages or a
//! tenant's portal.

use super::Problem;
use crate::model::Principal;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees and manages everything, including tokens.
    Admin,
    /// Sees only its tenant's webhooks, events, deliveries and logs.
    Tenant,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub role: Role,
    /// The tenant a tenant token is limited to; null for the admin.
    pub tenant: Option<String>,
    /// The tenant token's id; null for the admin.
    pub token_id: Option<String>,
}

#[utoipa::path(get, path = "/api/session", tag = "tokens",
    responses((status = 200, body = SessionOut), (status = 401, body = Problem)))]
pub async fn get_session(principal: Principal) -> Json<SessionOut> {
    Json(match principal {
        Principal::Admin => SessionOut {
            role: Role::Admin,
            tenant: None,
            token_id: None,
        },
        Principal::Tenant { token_id, tenant } => SessionOut {
            role: Role::Tenant,
            tenant: Some(tenant.to_string()),
            token_id: Some(token_id.to_string()),
        },
    })
}

//! Bearer tokens to principals. The admin token is compared by hash in constant time; tenant
//! tokens are looked up by hash and cached for a few seconds, so the hot path does no database
//! read. Revoking a token on this node takes effect at once.

use super::AppState;
use super::error::ApiError;
use crate::model::{Principal, TokenHash, TokenId};
use crate::store::{DynStore, StoreResult};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// How long a tenant token stays cached.
const CACHE_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most (tokens are few; this only bounds abuse).
const CACHE_LIMIT: usize = 10_000;

pub struct Authenticator {
    admin: TokenHash,
    store: DynStore,
    cache: Mutex<HashMap<TokenHash, (Principal, Instant)>>,
}

impl Authenticator {
    pub fn new(admin: TokenHash, store: DynStore) -> Self {
        Self {
            admin,
            store,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The principal behind `token`, or `None` if it is not a valid token.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Principal>> {
        let hash = TokenHash::of(token);
        if bool::from(hash.0.ct_eq(&self.admin.0)) {
            return Ok(Some(Principal::Admin));
        }
        if let Some((principal, at)) = self.cache.lock().expect("token cache").get(&hash)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(Some(principal.clone()));
        }
        let Some(record) = self.store.find_token(hash).await? else {
            self.cache.lock().expect("token cache").remove(&hash);
            return Ok(None);
        };
        let principal = Principal::Tenant {
            token_id: record.id,
            tenant: record.tenant,
        };
        let mut cache = self.cache.lock().expect("token cache");
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(hash, (principal.clone(), Instant::now()));
        Ok(Some(principal))
    }

    /// Forgets a revoked token at once.
    pub fn forget(&self, id: &TokenId) {
        self.cache.lock().expect("token cache").retain(|_, (principal, _)| {
            !matches!(principal, Principal::Tenant { token_id, .. } if token_id == id)
        });
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        state
            .auth
            .authenticate(token)
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}

/// Refuses tenant tokens on admin-only routes, as if the route did not exist for them.
pub fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    if principal.is_admin() {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

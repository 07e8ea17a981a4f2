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
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized)?;
        state
            .auth
            .authenticate(token)
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}

/// The token of an `Authorization: Bearer <token>` value. The scheme is case-insensitive, as
/// every HTTP authentication scheme is (RFC 9110, section 11.1): `bearer`, `BEARER` and
/// `bEaReR` all name it. `None` for another scheme or an empty token.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Refuses tenant tokens on admin-only routes, as if the route did not exist for them.
pub fn require_admin(principal: &Principal) -> Result<(), ApiError> {
    if principal.is_admin() {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    /// The scheme is matched whatever its case; the token is everything after the blanks.
    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in [
            "Bearer tok_1",
            "bearer tok_1",
            "BEARER tok_1",
            "bEaReR tok_1",
            "Bearer   tok_1 ",
            "Bearer\ttok_1",
        ] {
            assert_eq!(bearer_token(value), Some("tok_1"), "{value:?}");
        }
    }

    /// Another scheme, a missing token or a scheme glued to the token is no bearer token.
    #[test]
    fn other_schemes_and_empty_tokens_are_refused() {
        for value in [
            "Basic dXNlcjpwYXNz",
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Bearertok_1",
            "tok_1",
            "",
            "Bearers tok_1",
        ] {
            assert_eq!(bearer_token(value), None, "{value:?}");
        }
    }
}

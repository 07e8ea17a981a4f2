//! Bearer tokens to principals. The admin token is compared by hash in constant time; tenant
//! tokens are looked up by hash and cached for a few seconds, so the hot path does no database
//! read. Revoking a token takes effect at once: on this node by `forget`, on the others sharing
//! a database when its notification arrives (`Signals::tokens`), which empties their caches.

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
use tokio::sync::watch;

/// How long a tenant token stays cached.
const CACHE_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most (tokens are few; this only bounds abuse).
const CACHE_LIMIT: usize = 10_000;

pub struct Authenticator {
    admin: TokenHash,
    store: DynStore,
    cache: Mutex<Cache>,
}

/// Tenant tokens seen lately, emptied whenever another node revokes a token.
struct Cache {
    entries: HashMap<TokenHash, (Principal, Instant)>,
    /// Revocations on other nodes; `None` for a backend only one process uses.
    revocations: Option<watch::Receiver<u64>>,
    /// Moves each time the cache is emptied for a revocation, so that a token read from the
    /// database before the revocation is not cached after it.
    generation: u64,
}

impl Cache {
    /// Empties the cache if another node revoked a token since the last look.
    fn follow_revocations(&mut self) {
        if let Some(revocations) = &mut self.revocations
            && revocations.has_changed().unwrap_or(false)
        {
            revocations.mark_unchanged();
            self.entries.clear();
            self.generation += 1;
        }
    }
}

impl Authenticator {
    pub fn new(admin: TokenHash, store: DynStore) -> Self {
        let revocations = store.signals().map(|signals| signals.tokens);
        Self {
            admin,
            store,
            cache: Mutex::new(Cache {
                entries: HashMap::new(),
                revocations,
                generation: 0,
            }),
        }
    }

    /// The principal behind `token`, or `None` if it is not a valid token.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Principal>> {
        let hash = TokenHash::of(token);
        if bool::from(hash.0.ct_eq(&self.admin.0)) {
            return Ok(Some(Principal::Admin));
        }
        let generation = {
            let mut cache = self.cache.lock().expect("token cache");
            cache.follow_revocations();
            if let Some((principal, at)) = cache.entries.get(&hash)
                && at.elapsed() < CACHE_TTL
            {
                return Ok(Some(principal.clone()));
            }
            cache.generation
        };
        let Some(record) = self.store.find_token(hash).await? else {
            self.cache
                .lock()
                .expect("token cache")
                .entries
                .remove(&hash);
            return Ok(None);
        };
        let principal = Principal::Tenant {
            token_id: record.id,
            tenant: record.tenant,
        };
        let mut cache = self.cache.lock().expect("token cache");
        cache.follow_revocations();
        if cache.generation == generation {
            if cache.entries.len() >= CACHE_LIMIT {
                cache.entries.clear();
            }
            cache
                .entries
                .insert(hash, (principal.clone(), Instant::now()));
        }
        Ok(Some(principal))
    }

    /// Forgets a token revoked on this node at once.
    pub fn forget(&self, id: &TokenId) {
        self.cache
            .lock()
            .expect("token cache")
            .entries
            .retain(|_, (principal, _)| {
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

//! Matching rules of the directory.

use super::*;
use crate::model::*;

fn webhook(tenant: &str, patterns: &[&str], active: bool) -> Webhook {
    let now = Timestamp::now();
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::parse(tenant).unwrap(),
        url: WebhookUrl::parse("https://example.com/hook").unwrap(),
        events: patterns
            .iter()
            .map(|p| EventPattern::parse(p).unwrap())
            .collect(),
        description: String::new(),
        active,
        disabled_reason: (!active).then_some(DisabledReason::Manual),
        filter: None,
        rate_limit: None,
        max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        timeout_ms: DEFAULT_TIMEOUT_MS,
        retry_schedule: None,
        headers: CustomHeaders::default(),
        secret: WebhookSecret::generate(),
        previous_secret: None,
        signature: SignatureOptions::default(),
        failure_streak: 0,
        payload: PayloadMode::Event,
        ordering: None,
        breaker: None,
        circuit: Circuit::default(),
        created_at: now,
        updated_at: now,
    }
}

fn ids(found: &[Arc<Webhook>]) -> Vec<WebhookId> {
    found.iter().map(|w| w.id.clone()).collect()
}

/// Exact, prefix and `*` subscribers of the event's tenant all match, each once.
#[test]
fn subscribers_match_exact_prefix_and_wildcard_once_each() {
    let exact = webhook("default", &["order.created"], true);
    let prefix = webhook("default", &["order.*", "order.created"], true);
    let all = webhook("default", &["*"], true);
    let other = webhook("default", &["user.*"], true);
    let snapshot = Snapshot::build(vec![exact.clone(), prefix.clone(), all.clone(), other], 1);
    let found = snapshot.subscribers(&Tenant::default_tenant(), "order.created");
    let mut expected = vec![exact.id, prefix.id, all.id];
    expected.sort();
    assert_eq!(ids(&found), expected);
    // The memoised answer is the same.
    assert_eq!(
        ids(&snapshot.subscribers(&Tenant::default_tenant(), "order.created")),
        expected
    );
}

/// Webhooks of other tenants and disabled webhooks never match.
#[test]
fn other_tenants_and_disabled_webhooks_do_not_match() {
    let theirs = webhook("acme", &["*"], true);
    let disabled = webhook("default", &["*"], false);
    let snapshot = Snapshot::build(vec![theirs.clone(), disabled.clone()], 1);
    assert!(
        snapshot
            .subscribers(&Tenant::default_tenant(), "order.created")
            .is_empty()
    );
    assert_eq!(
        ids(&snapshot.subscribers(&theirs.tenant, "x")),
        vec![theirs.id]
    );
    assert!(
        snapshot.webhook(&disabled.id).is_some(),
        "disabled webhooks stay known by id"
    );
}

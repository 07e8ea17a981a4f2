//! The outbound limits, each on its own and together.

use super::*;
use crate::model::*;

fn webhook(tenant: &str, max_in_flight: u32, rate_limit: Option<u32>) -> Webhook {
    let now = Timestamp::now();
    Webhook {
        id: WebhookId::new(),
        tenant: Tenant::parse(tenant).unwrap(),
        url: WebhookUrl::parse("https://example.com/hook").unwrap(),
        events: vec![EventPattern::All],
        description: String::new(),
        active: true,
        disabled_reason: None,
        filter: None,
        rate_limit,
        max_in_flight,
        timeout_ms: 1000,
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

fn gates(total: usize, per_tenant: usize) -> Arc<Gates> {
    Gates::new(OutboundLimits { total, per_tenant })
}

/// A webhook gets at most `max_in_flight` passes; a dropped pass makes room again.
#[test]
fn a_webhook_gets_at_most_its_max_in_flight() {
    let gates = gates(100, 100);
    let hook = webhook("acme", 2, None);
    let now = Instant::now();
    let first = gates.try_enter(&hook, now).unwrap();
    let _second = gates.try_enter(&hook, now).unwrap();
    assert_eq!(gates.try_enter(&hook, now).err(), Some(Closed::Webhook));
    drop(first);
    assert!(gates.try_enter(&hook, now).is_ok());
}

/// One tenant gets at most its share, however many webhooks it has; another tenant still
/// gets slots meanwhile.
#[test]
fn a_tenant_gets_at_most_its_share() {
    let gates = gates(10, 3);
    let now = Instant::now();
    let greedy: Vec<Webhook> = (0..5).map(|_| webhook("greedy", 100, None)).collect();
    let passes: Vec<Pass> = greedy
        .iter()
        .filter_map(|hook| gates.try_enter(hook, now).ok())
        .collect();
    assert_eq!(passes.len(), 3);
    assert_eq!(gates.try_enter(&greedy[4], now).err(), Some(Closed::Tenant));
    assert!(gates.try_enter(&webhook("modest", 1, None), now).is_ok());
}

/// The node never has more than `total` requests running, across tenants.
#[test]
fn the_node_has_at_most_its_total() {
    let gates = gates(4, 3);
    let now = Instant::now();
    let mut passes = Vec::new();
    for tenant in ["a", "b", "c", "d", "e"] {
        for _ in 0..2 {
            if let Ok(pass) = gates.try_enter(&webhook(tenant, 10, None), now) {
                passes.push(pass);
            }
        }
    }
    assert_eq!(passes.len(), 4);
    assert_eq!(gates.in_flight(), 4);
    assert_eq!(
        gates.try_enter(&webhook("f", 10, None), now).err(),
        Some(Closed::Node)
    );
    passes.clear();
    assert_eq!(gates.in_flight(), 0);
}

/// The rate limit says when the next request may go; a request held back by another limit
/// spends no token.
#[test]
fn the_rate_limit_says_when_and_spends_no_token_in_vain() {
    let gates = gates(1, 1);
    let now = Instant::now();
    let limited = webhook("acme", 10, Some(1));
    let other = gates.try_enter(&webhook("acme", 10, None), now).unwrap();
    assert_eq!(gates.try_enter(&limited, now).err(), Some(Closed::Node));
    drop(other);
    let pass = gates
        .try_enter(&limited, now)
        .expect("the token was not spent");
    drop(pass);
    match gates.try_enter(&limited, now) {
        Err(Closed::RateLimited(at)) => assert_eq!(at - now, Duration::from_secs(1)),
        other => panic!("expected a rate limit, got {:?}", other.err()),
    }
}

/// Dropping a pass wakes whoever waits for a slot.
#[tokio::test]
async fn a_freed_slot_wakes_the_waiter() {
    let gates = gates(1, 1);
    let pass = gates
        .try_enter(&webhook("a", 1, None), Instant::now())
        .unwrap();
    let waiter = {
        let gates = gates.clone();
        tokio::spawn(async move { gates.freed.notified().await })
    };
    drop(pass);
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("woken")
        .unwrap();
}

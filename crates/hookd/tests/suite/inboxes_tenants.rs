//! Inboxes and tenants: a tenant token sees and changes only its own tenant's inboxes and
//! their requests (404 for the rest), and a tenant has at most `max_inboxes_per_tenant`
//! inboxes, also when creates arrive at once.

use crate::common;

use common::TestServer;
use common::inbox::{create_inbox, history, id_of, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A tenant token sees only its tenant's inboxes: it creates in its own tenant (another tenant
/// is 422), reads and streams its own, lists only its own, and every route of another tenant's
/// inbox or of its stored requests is 404 (and changes nothing); the admin sees all, filtered
/// by `tenant`.
#[tokio::test]
async fn a_tenant_token_sees_only_its_inboxes() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (_, token) = server
        .post("/api/tokens", json!({"name": "acme", "tenant": "acme"}))
        .await;
    let acme = token["token"].as_str().unwrap().to_owned();
    let as_acme = |method: Method, path: String, body: Option<Value>| {
        let (server, acme) = (&server, acme.clone());
        async move {
            server
                .call(
                    Some(&acme),
                    method,
                    &path,
                    body.map(|b| b.to_string()).as_deref(),
                )
                .await
        }
    };
    let (status, own) = as_acme(
        Method::POST,
        "/api/inboxes".into(),
        Some(json!({"name": "own", "verify": {"scheme": "none"}, "event_type": "acme.in"})),
    )
    .await;
    assert_eq!(
        (status, &own["tenant"]),
        (StatusCode::CREATED, &json!("acme")),
        "{own}"
    );
    let (status, problem) = as_acme(
        Method::POST,
        "/api/inboxes".into(),
        Some(
            json!({"name": "theirs", "verify": {"scheme": "none"}, "event_type": "x.y",
            "tenant": "globex"}),
        ),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("tenant"))
    );
    let globex = id_of(
        &create_inbox(
            &server,
            json!({"name": "globex", "verify": {"scheme": "none"}, "event_type": "globex.in",
                "tenant": "globex"}),
        )
        .await,
    );
    let answer = send(&server, &globex, &[("x", "y")], r#"{"private": 1}"#).await;
    let request = id_of(&answer.json());
    let since = json!({"since": "2020-01-01T00:00:00Z"});
    for (method, path, body) in [
        (Method::GET, format!("/api/inboxes/{globex}"), None),
        (
            Method::PATCH,
            format!("/api/inboxes/{globex}"),
            Some(json!({"active": false})),
        ),
        (Method::DELETE, format!("/api/inboxes/{globex}"), None),
        (Method::GET, format!("/api/inboxes/{globex}/requests"), None),
        (Method::GET, format!("/api/inboxes/{globex}/stream"), None),
        (
            Method::POST,
            format!("/api/inboxes/{globex}/replay"),
            Some(since.clone()),
        ),
        (Method::GET, format!("/api/inbox-requests/{request}"), None),
        (
            Method::POST,
            format!("/api/inbox-requests/{request}/replay"),
            None,
        ),
    ] {
        let (status, problem) = as_acme(method.clone(), path.clone(), body).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{method} {path}"
        );
    }
    // Its own inbox it reads, streams and receives into as usual.
    let own_id = id_of(&own);
    let mut stream = common::inbox::Stream::open_as(&server, &acme, &own_id, None).await;
    let sent = send(&server, &own_id, &[("x", "y")], r#"{"mine": 1}"#).await;
    let streamed = stream.next_n(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(
        streamed[0].id.as_deref(),
        Some(id_of(&sent.json()).as_str())
    );
    let (status, _) = as_acme(
        Method::GET,
        format!("/api/inbox-requests/{}", id_of(&sent.json())),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = as_acme(Method::GET, "/api/inboxes".into(), None).await;
    let ids: Vec<&str> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [own["id"].as_str().unwrap()]);
    let (_, filtered) = as_acme(Method::GET, "/api/inboxes?tenant=globex".into(), None).await;
    assert!(
        filtered["data"].as_array().unwrap().is_empty(),
        "{filtered}"
    );
    let (_, theirs) = server.get(&format!("/api/inboxes/{globex}")).await;
    assert_eq!(theirs["active"], true, "nothing changed");
    assert_eq!(history(&server, &globex).await.len(), 1);
    let (_, admin_view) = server.get("/api/inboxes?tenant=acme").await;
    assert_eq!(admin_view["data"].as_array().unwrap().len(), 1);
    let (status, _) = server.call(None, Method::GET, "/api/inboxes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A tenant has at most `max_inboxes_per_tenant` inboxes, playgrounds included: one more is
/// 409 `inbox_limit_reached` and creates nothing; another tenant is not limited by it; deleting
/// one makes room again.
#[tokio::test]
async fn a_tenant_has_at_most_max_inboxes_per_tenant() {
    crate::require_backend!();
    let server = TestServer::start_with(&[("max_inboxes_per_tenant", "2")]).await;
    let body = |tenant: &str, playground: bool| {
        json!({"name": "limited", "tenant": tenant, "playground": playground,
            "verify": {"scheme": "none"}, "event_type": "limit.in"})
    };
    let first = create_inbox(&server, body("acme", false)).await;
    create_inbox(&server, body("acme", true)).await;
    let (status, problem) = server.post("/api/inboxes", body("acme", false)).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("inbox_limit_reached")),
        "{problem}"
    );
    let (_, listed) = server.get("/api/inboxes?tenant=acme").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);
    create_inbox(&server, body("globex", false)).await;
    server
        .delete(&format!("/api/inboxes/{}", id_of(&first)))
        .await;
    create_inbox(&server, body("acme", false)).await;
}

/// The limit holds when creates arrive at once: twenty concurrent creates in a tenant allowed
/// three make exactly three inboxes, and the rest are 409.
#[tokio::test]
async fn concurrent_creates_do_not_pass_the_inbox_limit() {
    crate::require_backend!();
    let server =
        std::sync::Arc::new(TestServer::start_with(&[("max_inboxes_per_tenant", "3")]).await);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (server, barrier) = (server.clone(), barrier.clone());
        tasks.spawn(async move {
            barrier.wait().await;
            let body = json!({"name": "race", "verify": {"scheme": "none"}, "event_type": "a.b"});
            server.post("/api/inboxes", body).await.0.as_u16()
        });
    }
    let mut statuses = tasks.join_all().await;
    statuses.sort();
    let mut expected = vec![201; 3];
    expected.extend([409; 17]);
    assert_eq!(statuses, expected);
    let (_, listed) = server.get("/api/inboxes").await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
}

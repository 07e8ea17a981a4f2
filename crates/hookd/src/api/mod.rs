//! The HTTP API: router, authentication, problem+json errors, and one file per resource.
//! Handlers parse input into domain types, call the store, directory, publisher or
//! dispatcher, and shape the answer; they hold no business state of their own.

mod attempt_log;
mod audit;
mod auth;
mod contract;
mod dead_letters;
mod deliveries;
mod detach;
mod error;
mod event_names;
mod event_types;
mod events;
mod extract;
mod inbox_requests;
mod inbox_wire;
mod inboxes;
mod input_schema;
mod nul;
mod paging;
mod receive;
mod recover;
mod request_span;
mod server_info;
mod session;
mod stats;
mod system;
mod tokens;
mod trace_headers;
mod ui;
mod webhook_breaker;
mod webhook_input;
mod webhook_parse;
mod webhook_signature;
mod webhook_test;
mod webhooks;

pub use auth::Authenticator;
pub use error::{ApiError, Problem};

use crate::config::Config;
use crate::directory::Directory;
use crate::dispatch::DispatcherHandle;
use crate::dispatch::client::OutboundClient;
use crate::dispatch::ssrf::AddressPolicy;
use crate::publish::Publisher;
use crate::store::DynStore;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Everything a handler may use: one shared value behind an `Arc`, since axum clones the state
/// for every request (twice: the route's service and the `State` extractor), and a clone of
/// each field's own handle cost about 2.5 µs of CPU per request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What `AppState` holds.
pub struct Shared {
    pub config: Arc<Config>,
    pub store: DynStore,
    pub directory: Arc<Directory>,
    pub publisher: Arc<Publisher>,
    pub dispatcher: DispatcherHandle,
    pub outbound: OutboundClient,
    /// The outbound limits every attempt passes, tests included.
    pub gates: Arc<crate::dispatch::Gates>,
    /// The SSRF policy, for checking URLs at registration.
    pub policy: AddressPolicy,
    pub auth: Arc<Authenticator>,
    pub metrics: PrometheusHandle,
    /// The inboxes `/in/` answers from.
    pub inboxes: Arc<crate::inbox::Inboxes>,
    /// What the handlers that change something call: one operation each.
    pub ops: Arc<crate::ops::Operations>,
}

impl AppState {
    /// A webhook as the API answers it, with what adaptive concurrency allows it now here.
    pub fn webhook_out(&self, webhook: &crate::model::Webhook) -> webhook_input::WebhookOut {
        webhook_input::WebhookOut::new(webhook, self.dispatcher.effective_in_flight(&webhook.id))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hookd",
        description = "Webhook delivery: register webhooks, publish events, and follow every attempt. \
                       Every /api route takes `Authorization: Bearer <token>` (the scheme in any \
                       case); errors are RFC 9457 `application/problem+json` with a stable `code`.",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "webhooks", description = "Subscriptions: URLs that receive the events they subscribe to."),
        (name = "events", description = "Publishing events and reading them back."),
        (name = "deliveries", description = "One event for one webhook, with its attempts."),
        (name = "event types", description = "The catalog of event names, with optional JSON Schemas."),
        (name = "tokens", description = "Tenant tokens (admin only)."),
        (name = "inboxes", description = "Receiving webhooks: inboxes that verify, de-duplicate, keep history and turn requests into events; `/in/{id}` is their public door."),
        (name = "audit", description = "Who changed what through the API, and when (admin only)."),
        (name = "server", description = "This hookd: version, database, retention and limits."),
        (name = "operations", description = "Health, readiness, metrics and this document."),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document served at `/openapi.json`, as pretty JSON (`hookd openapi` prints it;
/// `ui/openapi.json` is a copy the web UI's client is generated from, kept equal by a test).
pub fn openapi_json() -> String {
    routes()
        .1
        .to_pretty_json()
        .expect("the OpenAPI document encodes")
}

/// The routes and the OpenAPI document that describes them, built together so they can't drift;
/// the answers every route shares are added to the document in one place (`contract`).
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
        .routes(routes!(stats::webhook_metrics))
        .routes(routes!(
            webhooks::get_webhook,
            webhooks::update_webhook,
            webhooks::delete_webhook
        ))
        .routes(routes!(webhooks::enable_webhook))
        .routes(routes!(webhooks::disable_webhook))
        .routes(routes!(webhooks::get_secret))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhook_test::test_webhook))
        .routes(routes!(attempt_log::list_logs))
        .routes(routes!(recover::recover_webhook))
        .routes(routes!(stats::webhook_stats))
        .routes(routes!(stats::all_stats))
        .routes(routes!(events::publish_event, events::list_events))
        .routes(routes!(events::publish_batch))
        .routes(routes!(events::get_event))
        .routes(routes!(server_info::get_server))
        .routes(routes!(dead_letters::list_deliveries))
        .routes(routes!(dead_letters::retry_deliveries))
        .routes(routes!(deliveries::get_delivery))
        .routes(routes!(deliveries::retry_delivery))
        .routes(routes!(
            event_types::list_event_types,
            event_types::create_event_type
        ))
        .routes(routes!(event_types::delete_event_type))
        .routes(routes!(event_names::list_event_names))
        .routes(routes!(tokens::create_token, tokens::list_tokens))
        .routes(routes!(tokens::delete_token))
        .routes(routes!(session::get_session))
        .routes(routes!(audit::list_audit))
        .routes(routes!(inboxes::create_inbox, inboxes::list_inboxes))
        .routes(routes!(
            inboxes::get_inbox,
            inboxes::update_inbox,
            inboxes::delete_inbox
        ))
        .routes(routes!(inbox_requests::list_requests))
        .routes(routes!(inbox_requests::replay_window))
        .routes(routes!(inbox_requests::stream_requests))
        .routes(routes!(inbox_requests::get_request))
        .routes(routes!(inbox_requests::replay_request))
        .routes(routes!(
            receive::receive_webhook,
            receive::receive_webhook_put
        ))
        .routes(routes!(system::healthz))
        .routes(routes!(system::readyz))
        .routes(routes!(system::prometheus_metrics))
        .split_for_parts();
    utoipa::Modify::modify(&contract::CommonResponses, &mut openapi);
    (router, openapi)
}

/// What a worker node serves: health, readiness and metrics only.
pub fn worker_app(state: AppState) -> Router {
    OpenApiRouter::<AppState>::new()
        .routes(routes!(system::healthz))
        .routes(routes!(system::readyz))
        .routes(routes!(system::prometheus_metrics))
        .split_for_parts()
        .0
        .fallback(system::not_found)
        .with_state(state)
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let (api, openapi) = routes();
    let openapi = Arc::new(openapi);
    api.merge(system::document_routes(openapi))
        .fallback(ui::page_or_not_found)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            system::panic_response,
        ))
        .layer(axum::middleware::from_fn(around_every_request))
        .with_state(state)
}

/// What every request goes through, as one middleware (each layer costs every request a boxed
/// service and a boxed future): its span, running to completion if its caller hangs up, and
/// the security headers on its answer.
async fn around_every_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = detach::run_to_completion(request_span::in_request_span(request, next)).await;
    security_headers(response)
}

/// Headers every answer carries: no MIME sniffing, no referrer, and no framing (the UI's and
/// the reference's pages set their own content security policy on top).
fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

//! The event names a token can subscribe to: the catalog, the types of recently published
//! events (so that a fresh install without a catalog still offers what the application
//! publishes), and hookd's own events. The UI's event checkboxes come from here.

use super::error::ApiError;
use super::paging::ListOf;
use crate::model::*;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::AppState;
use super::Problem;

/// How many of the newest events are looked at for names not in the catalog.
pub const RECENT_EVENTS: usize = 5_000;

/// Where an event name is known from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventNameSource {
    /// In the event type catalog (`/api/event-types`).
    Catalog,
    /// Published by hookd itself (`webhook.ping`, `webhook.disabled`,
    /// `webhook.circuit_opened`, `webhook.circuit_closed`).
    Hookd,
    /// Seen in the newest 5,000 events the token can see, not in the catalog.
    Published,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventNameOut {
    pub name: String,
    pub source: EventNameSource,
}

#[utoipa::path(get, path = "/api/event-names", tag = "event types",
    responses((status = 200, description = "Every name a webhook can subscribe to, by name: the \
        catalog's, hookd's own, and those of the newest 5,000 events the token can see.",
        body = ListOf<EventNameOut>), (status = 401, body = Problem)))]
pub async fn list_event_names(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ListOf<EventNameOut>>, ApiError> {
    let catalog = state.store.list_event_types().await?;
    let published = state
        .store
        .recent_event_types(&principal.scope(), RECENT_EVENTS)
        .await?;
    let names = known_names(
        catalog.iter().map(|t| t.name.as_str()),
        published.iter().map(EventName::as_str),
    );
    Ok(Json(ListOf {
        data: names
            .into_iter()
            .map(|(name, source)| EventNameOut { name, source })
            .collect(),
        next_cursor: None,
    }))
}

/// Every name once, by name, with the first source that knows it (the catalog before hookd's
/// own, before what was merely published).
fn known_names<'a>(
    catalog: impl Iterator<Item = &'a str>,
    published: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, EventNameSource> {
    let mut names = BTreeMap::new();
    let sources = catalog
        .map(|name| (name, EventNameSource::Catalog))
        .chain(
            HOOKD_EVENTS
                .iter()
                .map(|&name| (name, EventNameSource::Hookd)),
        )
        .chain(published.map(|name| (name, EventNameSource::Published)));
    for (name, source) in sources {
        names.entry(name.to_owned()).or_insert(source);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each name appears once, labelled by the catalog if it is there, and hookd's own events
    /// are always offered.
    #[test]
    fn names_are_listed_once_catalog_first() {
        let names = known_names(
            ["order.created"].into_iter(),
            ["order.created", "user.signed_up", "webhook.ping"].into_iter(),
        );
        let listed: Vec<(&str, EventNameSource)> =
            names.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        assert_eq!(
            listed,
            [
                ("order.created", EventNameSource::Catalog),
                ("user.signed_up", EventNameSource::Published),
                ("webhook.circuit_closed", EventNameSource::Hookd),
                ("webhook.circuit_opened", EventNameSource::Hookd),
                ("webhook.disabled", EventNameSource::Hookd),
                ("webhook.ping", EventNameSource::Hookd),
            ]
        );
    }
}

//! Publishing: an event in, its deliveries out. Validates against the catalog's schema, finds
//! the subscribed webhooks in the directory (no database read), applies their filters, encodes
//! the body once, stores the event with its deliveries in one group-committed transaction, and
//! hands the deliveries that fit in memory straight to the dispatcher.

mod inbound;
pub mod schemas;

use crate::directory::Directory;
use crate::dispatch::{DispatcherHandle, Held, Reservation};
use crate::model::*;
use crate::store::rules::job::ClaimedDelivery;
use crate::store::{DynStore, StoreError};
use schemas::SchemaCatalog;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::Arc;

/// Which webhooks an event goes to.
#[derive(Debug, Clone)]
pub enum Targets {
    /// Every active subscriber of the tenant whose filter passes.
    Subscribers,
    /// Only these, among the subscribers (the `webhooks` field of a publish).
    OnlyAmong(Vec<WebhookId>),
    /// This webhook, whatever it subscribes to (hookd's own `webhook.ping`).
    Exactly(WebhookId),
}

/// One event to publish, already parsed at the edge.
#[derive(Debug, Clone)]
pub struct Publication {
    pub tenant: Tenant,
    pub event_type: EventName,
    /// `data` exactly as the caller sent it.
    pub data: Box<RawValue>,
    pub idempotency_key: Option<String>,
    pub targets: Targets,
    /// The inbox request it comes from (a received webhook, or its replay).
    pub origin: Option<Origin>,
    /// The W3C trace context it was published in, if the caller sent a valid one.
    pub trace: Option<TraceContext>,
}

/// The inbox request an event comes from: linked to it, and sent as it was to webhooks whose
/// `payload` is `original`.
#[derive(Debug, Clone)]
pub struct Origin {
    pub request_id: InboxRequestId,
    pub original: Arc<OriginalRequest>,
}

/// What publishing one event did.
#[derive(Debug, Clone)]
pub enum Published {
    Created {
        id: EventId,
        event_type: EventName,
        timestamp: Timestamp,
        deliveries: u32,
    },
    /// Its idempotency key was seen before; this is the first event.
    Duplicate(EventSummary),
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("invalid events")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Publisher {
    store: DynStore,
    directory: Arc<Directory>,
    dispatcher: DispatcherHandle,
    schemas: Arc<SchemaCatalog>,
    /// hookd's own inbox URLs: an event that came from an inbox never goes to one (it would
    /// come back as a new event, and again, for ever).
    own_inboxes: crate::dispatch::client::OwnInboxes,
}

/// An event ready to store, with the memory reserved for the deliveries stored as claimed
/// (dropping it, the event not stored or a duplicate, releases what is left).
struct Prepared {
    event: NewEvent,
    reserved: HashMap<DeliveryId, Reservation>,
    original: Option<Arc<OriginalRequest>>,
    /// `event.trace`, shared by its jobs.
    trace: Option<Arc<TraceContext>>,
}

impl Publisher {
    pub fn new(
        store: DynStore,
        directory: Arc<Directory>,
        dispatcher: DispatcherHandle,
        schemas: Arc<SchemaCatalog>,
    ) -> Self {
        Self {
            store,
            directory,
            dispatcher,
            schemas,
            own_inboxes: Default::default(),
        }
    }

    /// Keeps events that came from an inbox away from hookd's own inboxes.
    pub fn with_own_inboxes(mut self, own: crate::dispatch::client::OwnInboxes) -> Self {
        self.own_inboxes = own;
        self
    }

    pub fn schemas(&self) -> &SchemaCatalog {
        &self.schemas
    }

    /// Publishes events all-or-nothing. `field_of(i)` names item `i` in errors (`""` for a
    /// single event, `events[i]` for a batch).
    pub async fn publish(
        &self,
        items: Vec<Publication>,
        field_of: impl Fn(usize) -> String,
    ) -> Result<Vec<Published>, PublishError> {
        let snapshot = self.directory.snapshot();
        let now = Timestamp::now();
        let mut prepared = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            match self.prepare(&snapshot, item, now) {
                Ok(event) => prepared.push(event),
                Err(found) => errors.extend(found.into_iter().map(|e| e.under(&field_of(index)))),
            }
        }
        if !errors.is_empty() {
            return Err(PublishError::Invalid(errors));
        }
        for item in &mut prepared {
            self.reserve(&snapshot, item);
        }
        let events: Vec<NewEvent> = prepared.iter().map(|p| p.event.clone()).collect();
        let claim = self.dispatcher.lease().claim();
        let stored = self.store.insert_events(&claim, events).await?;
        let mut results = Vec::with_capacity(prepared.len());
        let mut jobs = Vec::new();
        for (item, outcome) in prepared.into_iter().zip(stored) {
            match outcome {
                InsertedEvent::Duplicate(existing) => {
                    results.push(Published::Duplicate(existing));
                }
                InsertedEvent::Created { dropped, waiting } => {
                    let event = &item.event;
                    results.push(Published::Created {
                        id: event.id.clone(),
                        event_type: event.event_type.clone(),
                        timestamp: event.created_at,
                        deliveries: (event.deliveries.len() - dropped.len()) as u32,
                    });
                    self.created(item, &dropped, &waiting, &claim, &mut jobs);
                }
            }
        }
        self.dispatcher.submit(jobs);
        Ok(results)
    }

    /// After an event was stored: makes the jobs of the deliveries stored as claimed, each
    /// with its reservation. What was reserved for dropped deliveries, and for those stored
    /// waiting for their order key's turn (the store made them due later), is released with
    /// `item`.
    fn created(
        &self,
        item: Prepared,
        dropped: &[DeliveryId],
        waiting: &[DeliveryId],
        claim: &crate::store::Claim,
        jobs: &mut Vec<Held>,
    ) {
        metrics::counter!("hookd_events_accepted_total").increment(1);
        let Prepared {
            event,
            mut reserved,
            original,
            trace,
        } = item;
        let body = EventBody {
            payload: event.payload,
            original,
            trace,
        };
        for delivery in event.deliveries {
            if dropped.contains(&delivery.id) || waiting.contains(&delivery.id) {
                continue;
            }
            let Some(reservation) = reserved.remove(&delivery.id) else {
                continue;
            };
            let claimed = ClaimedDelivery {
                delivery_id: delivery.id,
                event_id: event.id.clone(),
                webhook_id: delivery.webhook_id,
                tenant: event.tenant.clone(),
                event_type: event.event_type.clone(),
                attempt_count: 0,
                manual: false,
            };
            jobs.push(Held::new(
                claimed.next_attempt(&body, &claim.by),
                reservation,
            ));
        }
    }

    /// Reserves memory for each of the event's deliveries that fits; those are stored as
    /// claimed by this node. Deliveries to a webhook whose circuit is open are not: they wait
    /// in the database until it closes.
    fn reserve(&self, snapshot: &crate::directory::Snapshot, item: &mut Prepared) {
        let capacity = self.dispatcher.capacity();
        let sendable = |webhook: &WebhookId| {
            !snapshot
                .webhook(webhook)
                .is_some_and(|w| w.circuit_blocks())
        };
        for delivery in &mut item.event.deliveries {
            delivery.waits_for_circuit = !sendable(&delivery.webhook_id);
        }
        let mut deliveries: Vec<_> = item
            .event
            .deliveries
            .iter_mut()
            .filter(|d| !d.waits_for_circuit)
            .collect();
        let webhooks = deliveries.iter().map(|d| &d.webhook_id);
        let reservations = capacity.try_reserve_each(webhooks, item.event.payload.len());
        for (delivery, reservation) in deliveries.iter_mut().zip(reservations) {
            if let Some(reservation) = reservation {
                delivery.claimed = true;
                item.reserved.insert(delivery.id.clone(), reservation);
            }
        }
    }

    fn points_at_own_inbox(&self, webhook: &Webhook) -> bool {
        webhook
            .url
            .as_str()
            .parse::<hyper::Uri>()
            .is_ok_and(|uri| self.own_inboxes.contains(&uri))
    }

    /// Checks one event and works out its deliveries.
    fn prepare(
        &self,
        snapshot: &crate::directory::Snapshot,
        item: Publication,
        now: Timestamp,
    ) -> Result<Prepared, Vec<FieldError>> {
        let name = item.event_type.as_str();
        let mut parsed_data: Option<serde_json::Value> = None;
        let mut parse_data = || -> Result<serde_json::Value, Vec<FieldError>> {
            if let Some(data) = &parsed_data {
                return Ok(data.clone());
            }
            let data: serde_json::Value = serde_json::from_str(item.data.get())
                .map_err(|e| vec![FieldError::new("data", "invalid_json", e.to_string())])?;
            parsed_data = Some(data.clone());
            Ok(data)
        };
        // Webhooks received from elsewhere are not the application's to shape: the catalog's
        // schemas check what the application publishes.
        if item.origin.is_none() && self.schemas.has_schema(name) {
            let data = parse_data()?;
            self.schemas
                .check(name, &data)
                .map_err(|message| vec![FieldError::new("data", "schema_mismatch", message)])?;
        }
        let candidates: Vec<Arc<Webhook>> = match &item.targets {
            Targets::Exactly(id) => snapshot
                .webhook(id)
                .filter(|w| w.active)
                .cloned()
                .into_iter()
                .collect(),
            Targets::Subscribers => snapshot.subscribers(&item.tenant, name).to_vec(),
            Targets::OnlyAmong(ids) => {
                let mut errors = Vec::new();
                for (index, id) in ids.iter().enumerate() {
                    if snapshot.webhook(id).is_none_or(|w| w.tenant != item.tenant) {
                        errors.push(FieldError::new(
                            format!("webhooks[{index}]"),
                            "not_found",
                            format!("no webhook {id} in tenant {}", item.tenant),
                        ));
                    }
                }
                if !errors.is_empty() {
                    return Err(errors);
                }
                snapshot
                    .subscribers(&item.tenant, name)
                    .iter()
                    .filter(|w| ids.contains(&w.id))
                    .cloned()
                    .collect()
            }
        };
        let mut targets = Vec::with_capacity(candidates.len());
        let mut document: Option<serde_json::Value> = None;
        for webhook in candidates {
            if item.origin.is_some() && self.points_at_own_inbox(&webhook) {
                continue;
            }
            if let Some(filter) = &webhook.filter {
                if document.is_none() {
                    document = Some(serde_json::json!({
                        "type": name,
                        "tenant": item.tenant.as_str(),
                        "data": parse_data()?,
                    }));
                }
                if !filter.matches(document.as_ref().expect("built above")) {
                    continue;
                }
            }
            // The key only for webhooks that order deliveries: the others read nothing more.
            let order_key = match &webhook.ordering {
                None => None,
                Some(ordering) => {
                    if ordering.reads_data() && document.is_none() {
                        document = Some(serde_json::json!({
                            "type": name,
                            "tenant": item.tenant.as_str(),
                            "data": parse_data()?,
                        }));
                    }
                    ordering.key_of(document.as_ref().map(|d| &d["data"]))
                }
            };
            targets.push((webhook.id.clone(), order_key));
        }
        let id = EventId::new();
        let payload = encode_payload(&id, &item.event_type, now, item.data.get());
        let deliveries = targets
            .into_iter()
            .map(|(webhook_id, order_key)| NewDelivery {
                id: DeliveryId::new(),
                webhook_id,
                claimed: false,
                even_if_disabled: false,
                waits_for_circuit: false,
                order_key,
            })
            .collect();
        Ok(Prepared {
            event: NewEvent {
                id,
                tenant: item.tenant,
                event_type: item.event_type,
                idempotency_key: item.idempotency_key,
                payload,
                created_at: now,
                deliveries,
                inbox_request_id: item.origin.as_ref().map(|o| o.request_id.clone()),
                trace: item.trace.clone(),
            },
            reserved: HashMap::new(),
            original: item.origin.map(|o| o.original),
            trace: item.trace.map(Arc::new),
        })
    }
}

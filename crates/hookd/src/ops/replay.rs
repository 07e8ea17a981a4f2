//! Replaying what an inbox received: one stored request, or every request in a time window
//! (with a dry run that counts and shows a sample, changing nothing). Each replay is a new event
//! of the inbox's type with the data it had when received, published like any other.

use super::{OpError, Operations};
use crate::inbox::{ReadBody, event_of};
use crate::model::*;
use crate::publish::Published;
use crate::store::{InboxRequestQuery, Page};

/// The most requests one replay of a window publishes.
pub const MAX_REPLAY: usize = 10_000;
/// Requests published in one transaction by a replay of a window.
const REPLAY_BATCH: usize = 500;
/// Requests read from the store at a time while gathering a window.
const READ_BATCH: usize = 500;
/// Requests in a dry run's sample.
const SAMPLE: usize = 10;

/// Which stored requests to replay.
pub struct ReplayWindow {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Only verified requests.
    pub verified_only: bool,
    /// Count and show a sample; change nothing.
    pub dry_run: bool,
}

/// What a replay of a window did (or, in a dry run, would do).
pub struct Replayed {
    /// Requests in the window.
    pub matched: usize,
    /// Dry run: the first few, oldest first.
    pub sample: Vec<InboxRequest>,
    /// The new events, oldest request first (empty in a dry run).
    pub event_ids: Vec<EventId>,
}

impl Operations {
    /// Publishes a stored request again as a new event of its inbox's type.
    pub async fn replay_request(
        &self,
        inbox: &Inbox,
        request: &InboxRequest,
    ) -> Result<EventId, OpError> {
        let mut ids = self
            .republish(inbox, std::slice::from_ref(request), |_| String::new())
            .await?;
        match ids.pop() {
            Some(id) if ids.is_empty() => Ok(id),
            _ => Err(OpError::Internal(
                "a replay without an idempotency key was a duplicate".into(),
            )),
        }
    }

    /// Replays every request of the inbox in the window, oldest first, in transactions of
    /// `REPLAY_BATCH`; 422 on `since` when the window holds more than `MAX_REPLAY`.
    pub async fn replay_window(
        &self,
        inbox: &Inbox,
        window: ReplayWindow,
    ) -> Result<Replayed, OpError> {
        let mut matched = Vec::new();
        let mut before = None;
        loop {
            let batch = self
                .store
                .list_inbox_requests(&InboxRequestQuery {
                    inbox: inbox.id.clone(),
                    page: Page {
                        limit: READ_BATCH,
                        before: before.clone(),
                    },
                    verified: window.verified_only.then_some(true),
                    duplicate: None,
                    since: window.since,
                    until: window.until,
                    with_bodies: !window.dry_run,
                })
                .await?;
            let done = batch.len() < READ_BATCH;
            before = batch.last().map(|r| r.id.to_string());
            matched.extend(batch);
            if matched.len() > MAX_REPLAY {
                return Err(OpError::field(
                    "since",
                    "too_many",
                    format!(
                        "the window holds more than {MAX_REPLAY} requests; replay a shorter one"
                    ),
                ));
            }
            if done {
                break;
            }
        }
        matched.reverse();
        if window.dry_run {
            let count = matched.len();
            matched.truncate(SAMPLE);
            return Ok(Replayed {
                matched: count,
                sample: matched,
                event_ids: Vec::new(),
            });
        }
        let mut event_ids = Vec::with_capacity(matched.len());
        for chunk in matched.chunks(REPLAY_BATCH) {
            event_ids.extend(
                self.republish(inbox, chunk, |i| format!("requests[{i}]"))
                    .await?,
            );
        }
        Ok(Replayed {
            matched: matched.len(),
            sample: Vec::new(),
            event_ids,
        })
    }

    /// Publishes stored requests again, as new events stored together; answers their ids.
    /// `field` names the input of request `i` in errors.
    async fn republish(
        &self,
        inbox: &Inbox,
        requests: &[InboxRequest],
        field: fn(usize) -> String,
    ) -> Result<Vec<EventId>, OpError> {
        let publications = requests
            .iter()
            .map(|request| {
                // Read as when it was received, so each replay has the same type and data.
                event_of(inbox, request, &ReadBody::of(request))
            })
            .collect();
        let published = self.publisher.publish(publications, field).await?;
        Ok(published
            .into_iter()
            .filter_map(|p| match p {
                Published::Created { id, .. } => Some(id),
                Published::Duplicate(_) => None,
            })
            .collect())
    }
}

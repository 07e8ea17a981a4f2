//! Received webhooks: a request an inbox took in joins the publish path here. Its event is
//! prepared like any other (directory, filters, one encoding), and the request, its
//! de-duplication key and the event are stored in one transaction shared with concurrent
//! publishes; the event's held deliveries then go to the engine without a database read.

use super::{Publication, PublishError, Publisher};
use crate::model::*;

impl Publisher {
    /// Stores a received request and, when it is verified and new, the event it becomes.
    /// Durable when it returns; says what was stored.
    pub async fn receive(
        &self,
        request: InboxRequest,
        dedupe: Option<DedupeEntry>,
        event: Option<Publication>,
        unverified_kept: u32,
    ) -> Result<StoredRequest, PublishError> {
        let mut prepared = match event {
            Some(publication) => {
                let snapshot = self.directory.snapshot();
                let item = self
                    .prepare(&snapshot, publication, request.received_at)
                    .map_err(PublishError::Invalid)?;
                Some(item)
            }
            None => None,
        };
        if let Some(item) = &mut prepared {
            self.reserve(&self.directory.snapshot(), item);
        }
        let claim = self.dispatcher.lease().claim();
        let new = NewInboxRequest {
            request,
            dedupe,
            event: prepared.as_ref().map(|item| item.event.clone()),
            unverified_kept,
        };
        let stored = self.store.store_inbox_request(&claim, new).await?;
        // Not stored, a duplicate or unverified: the reservations go with `prepared`.
        if let (
            StoredRequest::Accepted {
                event: Some(_),
                dropped,
                waiting,
                ..
            },
            Some(item),
        ) = (&stored, prepared)
        {
            let mut jobs = Vec::new();
            self.created(item, dropped, waiting, &claim, &mut jobs);
            self.dispatcher.submit(jobs);
        }
        Ok(stored)
    }
}

// Where a delivery belongs and where it stands: its event, its webhook, attempts and timing.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { Time } from "../Time";
import { EventOrigin } from "../inbox/FromInbox";

export function DeliveryFacts({ delivery }: { delivery: Schemas["DeliveryOut"] }) {
  return (
    <section className="card" aria-labelledby="delivery-facts">
      <h2 id="delivery-facts">About this delivery</h2>
      <dl className="facts">
        <dt>Event</dt>
        <dd>
          <Link to={`/events/${delivery.event_id}`}>
            {delivery.event_type} <span className="mono">({delivery.event_id})</span>
          </Link>
        </dd>
        <EventOrigin eventId={delivery.event_id} />
        <dt>Webhook</dt>
        <dd>
          <Link to={`/webhooks/${delivery.webhook_id}`} className="mono">
            {delivery.webhook_id}
          </Link>
        </dd>
        <dt>Tenant</dt>
        <dd>{delivery.tenant}</dd>
        <dt>Attempts</dt>
        <dd>{delivery.attempt_count}</dd>
        <dt>Next attempt</dt>
        <dd>
          {delivery.next_attempt_at ? (
            <Time iso={delivery.next_attempt_at} />
          ) : (
            <span className="muted">
              {delivery.status === "pending"
                ? "waiting (the webhook is disabled or paused)"
                : delivery.status === "cancelled"
                  ? "none: cancelled when its webhook was deleted"
                  : "none: finished"}
            </span>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={delivery.created_at} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time iso={delivery.updated_at} />
        </dd>
      </dl>
    </section>
  );
}

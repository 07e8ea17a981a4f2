// The first deliveries a bulk retry or a recover would send again (a dry run's sample), oldest
// first: each one's event type (linking to the delivery), its webhook and when it failed.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { Time } from "../Time";
import { WebhookLink } from "./WebhookLink";

export function RetrySample({
  sample,
  showWebhook = true,
}: {
  sample: Schemas["DeliveryOut"][];
  /** Off where every delivery goes to the same webhook (the webhook page's recover form). */
  showWebhook?: boolean;
}) {
  if (sample.length === 0) return null;
  return (
    <ul className="retry-sample" aria-label="First deliveries to retry">
      {sample.map((delivery) => (
        <li key={delivery.id}>
          <Link to={`/deliveries/${delivery.id}`}>{delivery.event_type}</Link>
          {showWebhook && (
            <>
              {" "}
              to <WebhookLink id={delivery.webhook_id} />
            </>
          )}{" "}
          · failed <Time iso={delivery.updated_at} /> after {delivery.attempt_count}{" "}
          {delivery.attempt_count === 1 ? "attempt" : "attempts"} ·{" "}
          <span className="mono">{delivery.id}</span>
        </li>
      ))}
    </ul>
  );
}

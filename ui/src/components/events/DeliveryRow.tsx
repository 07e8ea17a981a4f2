// One row of an event's deliveries: where it went (the webhook's URL once fetched), its status,
// its attempts and when they happened, and a link to its details.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { useWebhookUrl } from "./useWebhookUrl";

export function DeliveryRow({ delivery }: { delivery: Schemas["DeliveryOut"] }) {
  const url = useWebhookUrl(delivery.webhook_id);
  const target = url ?? delivery.webhook_id;
  return (
    <tr>
      <td className={url ? "url" : "url mono"}>
        <Link to={`/webhooks/${delivery.webhook_id}`}>{target}</Link>
      </td>
      <td>
        <StatusBadge status={delivery.status} />
      </td>
      <td>{delivery.attempt_count}</td>
      <td className="hide-narrow">
        {delivery.attempt_count > 0 ? <Time iso={delivery.updated_at} /> : <span className="muted">not yet</span>}
      </td>
      <td className="hide-narrow">
        <Time iso={delivery.next_attempt_at} />
      </td>
      <td>
        <Link to={`/deliveries/${delivery.id}`} aria-label={`Details of delivery to ${target}`}>
          Details
        </Link>
      </td>
    </tr>
  );
}

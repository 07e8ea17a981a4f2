// The failed-deliveries list's table: each delivery's event (linking to it), its webhook, status,
// attempts, when it last changed (for a failed one: when it failed), tenant, and a link to it.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { WebhookLink } from "../delivery/WebhookLink";

export function DeliveriesTable({
  deliveries,
  showTenant,
}: {
  deliveries: Schemas["DeliveryOut"][];
  showTenant: boolean;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="Deliveries" className="deliveries-table">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Webhook</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">
              Attempts
            </th>
            <th scope="col">Last changed</th>
            {showTenant && (
              <th scope="col" className="hide-narrow">
                Tenant
              </th>
            )}
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td className="wrap">
                <Link to={`/events/${delivery.event_id}`}>{delivery.event_type}</Link>
              </td>
              <td className="url">
                <WebhookLink id={delivery.webhook_id} />
              </td>
              <td>
                <StatusBadge status={delivery.status} />
              </td>
              <td className="hide-narrow">{delivery.attempt_count}</td>
              <td>
                <Time iso={delivery.updated_at} />
              </td>
              {showTenant && <td className="hide-narrow">{delivery.tenant}</td>}
              <td>
                <Link to={`/deliveries/${delivery.id}`} aria-label={`Details of delivery ${delivery.id}`}>
                  Details
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

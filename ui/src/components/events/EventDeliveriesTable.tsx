// An event's deliveries, one per webhook it went to.
import type { Schemas } from "../../api/client";
import { DeliveryRow } from "./DeliveryRow";

export function EventDeliveriesTable({ deliveries }: { deliveries: Schemas["DeliveryOut"][] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Deliveries" className="event-deliveries-table">
        <thead>
          <tr>
            <th scope="col">Webhook</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col" className="hide-narrow">
              Last attempt
            </th>
            <th scope="col" className="hide-narrow">
              Next attempt
            </th>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <DeliveryRow key={delivery.id} delivery={delivery} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

// The events list's table: each event's type (linking to it), what became of its deliveries,
// its tenant, id and time.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { Time } from "../Time";
import { DeliverySummary } from "./DeliverySummary";
import { FromInbox } from "../inbox/FromInbox";

export function EventsTable({ events }: { events: Schemas["EventSummaryOut"][] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Events" className="events-table">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Deliveries</th>
            <th scope="col" className="hide-narrow">
              Tenant
            </th>
            <th scope="col" className="hide-narrow">
              Id
            </th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td className="wrap">
                <Link to={`/events/${event.id}`}>{event.type}</Link> <FromInbox requestId={event.inbox_request_id} />
              </td>
              <td>
                <DeliverySummary eventId={event.id} count={event.deliveries} />
              </td>
              <td className="hide-narrow">{event.tenant}</td>
              <td className="mono hide-narrow">{event.id}</td>
              <td>
                <Time iso={event.timestamp} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

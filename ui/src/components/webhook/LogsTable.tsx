// One page of a webhook's delivery attempts as a table: what happened, and a way to the details
// and to a retry of failed ones.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { formatMs } from "../format";
import { EventTypeName } from "./EventTypeName";

export function LogsTable({
  attempts,
  retryingDeliveryId,
  onRetry,
}: {
  attempts: Schemas["AttemptOut"][];
  /** The delivery whose retry is being sent, if any: its button shows progress. */
  retryingDeliveryId?: string;
  onRetry: (attempt: Schemas["AttemptOut"]) => void;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="Delivery attempts">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Code</th>
            <th scope="col">Event</th>
            <th scope="col">Attempt</th>
            <th scope="col" className="hide-narrow">Duration</th>
            <th scope="col" className="hide-narrow">Time</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt) => (
            <tr key={attempt.id}>
              <td>
                <StatusBadge status={attempt.status} />
              </td>
              <td>
                <span className="mono">{attempt.response_code ?? "—"}</span>
                {attempt.error && (
                  <div className="hint attempt-error hide-narrow" title={attempt.error}>
                    {attempt.error}
                  </div>
                )}
              </td>
              <td className="event-cell">
                <EventTypeName name={attempt.event_type} />
                <div className="hint mono hide-narrow">{attempt.event_id}</div>
              </td>
              <td>#{attempt.attempt}</td>
              <td className="hide-narrow">{formatMs(attempt.duration_ms)}</td>
              <td className="hide-narrow">
                <Time iso={attempt.created_at} />
              </td>
              <td>
                <div className="row-actions">
                  <Link
                    to={`/deliveries/${attempt.delivery_id}`}
                    aria-label={`Details of attempt ${attempt.attempt} of ${attempt.event_type}`}
                  >
                    Details
                  </Link>
                  {attempt.status === "failed" && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Retry delivery of ${attempt.event_type}`}
                      disabled={retryingDeliveryId === attempt.delivery_id}
                      onClick={() => onRetry(attempt)}
                    >
                      {retryingDeliveryId === attempt.delivery_id ? "Retrying…" : "Retry"}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

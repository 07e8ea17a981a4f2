// One page of a webhook's delivery attempts as a table: what happened, and a way to the details
// and to a retry of deliveries that have not succeeded. A delivery is retried as a whole, so its
// Retry sits on its newest failed attempt on the page; a failed attempt of a delivery that
// succeeded later offers none.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { formatMs } from "../format";
import { EventTypeName } from "./EventTypeName";

/** Deliveries that can still use a retry: failed for good, or waiting for their next attempt. */
const RETRYABLE = new Set(["failed", "pending"]);

/** What became of a failed attempt's delivery, when that is why it offers no retry. */
const LATER: Record<string, string> = {
  succeeded: "delivered later",
  cancelled: "delivery cancelled",
};

/** The attempts that carry their delivery's Retry button: the first failed one shown of each. */
function retryRows(attempts: Schemas["AttemptOut"][]): Set<string> {
  const seen = new Set<string>();
  const rows = new Set<string>();
  for (const attempt of attempts) {
    if (attempt.status !== "failed" || seen.has(attempt.delivery_id)) continue;
    seen.add(attempt.delivery_id);
    if (RETRYABLE.has(attempt.delivery_status ?? "")) rows.add(attempt.id);
  }
  return rows;
}

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
  const withRetry = retryRows(attempts);
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
                  {attempt.status === "failed" && LATER[attempt.delivery_status ?? ""] && (
                    <span className="hint">{LATER[attempt.delivery_status ?? ""]}</span>
                  )}
                  {withRetry.has(attempt.id) && (
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

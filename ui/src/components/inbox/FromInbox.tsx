// Marks an event that came from an inbox, linking back to the request it was made from.
import { Link } from "react-router-dom";
import { useEvent } from "../events/useEvent";

export function FromInbox({ requestId }: { requestId: string | null | undefined }) {
  if (!requestId) return null;
  return (
    <Link to={`/inbox-requests/${requestId}`} className="badge badge-muted from-inbox" aria-label={`From inbox request ${requestId}`}>
      from an inbox
    </Link>
  );
}

/** For a delivery's page: the "Came from" row, when its event came from an inbox. */
export function EventOrigin({ eventId }: { eventId: string }) {
  const event = useEvent(eventId);
  const requestId = event.data?.inbox_request_id;
  if (!requestId) return null;
  return (
    <>
      <dt>Came from</dt>
      <dd>
        <Link to={`/inbox-requests/${requestId}`}>
          inbox request <span className="mono">{requestId}</span>
        </Link>
      </dd>
    </>
  );
}

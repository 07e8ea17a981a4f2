// What publishing did: how many webhooks the event goes to (or that it was a duplicate), with a
// link to follow its deliveries.
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";

export function PublishResult({ accepted }: { accepted: Schemas["EventAccepted"] }) {
  const webhooks = `${accepted.deliveries} ${accepted.deliveries === 1 ? "webhook" : "webhooks"}`;
  return (
    <div className="notice notice-good" role="status">
      <span>
        {accepted.duplicate ? (
          <>Already published (duplicate): this idempotency key was used before, so nothing new was sent.</>
        ) : (
          <>
            Event published to {webhooks}
            {accepted.deliveries === 0 && ": no active webhook of this tenant subscribes to it"}.
          </>
        )}
      </span>
      <Link className="button button-small" to={`/events/${accepted.id}`}>
        Open event
      </Link>
    </div>
  );
}

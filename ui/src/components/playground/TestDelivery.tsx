// The test event's delivery to the playground, followed until it is finished: attempts so far,
// the next retry, and a link to every attempt's request and answer.
import { Link } from "react-router-dom";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { useEvent } from "../events/useEvent";

export function TestDelivery({ eventId }: { eventId: string }) {
  const event = useEvent(eventId);
  const delivery = event.data?.deliveries[0];
  if (!delivery) return null;
  return (
    <p className="test-delivery" aria-label="Test delivery">
      Delivery <StatusBadge status={delivery.status} /> after {delivery.attempt_count}{" "}
      {delivery.attempt_count === 1 ? "attempt" : "attempts"}
      {delivery.status === "pending" && delivery.next_attempt_at && (
        <>
          , next attempt <Time iso={delivery.next_attempt_at} />
        </>
      )}
      .{" "}
      <Link to={`/deliveries/${delivery.id}`}>Open delivery</Link>
    </p>
  );
}

// The "Deliveries" cell of the events list. The list carries only a count, so each row with
// deliveries fetches its event on its own (the table never waits for these) and says how
// many deliveries are in each status.
import { useEvent } from "./useEvent";
import { summarizeDeliveries } from "./deliverySummary";

export function DeliverySummary({ eventId, count }: { eventId: string; count: number }) {
  const event = useEvent(eventId, { enabled: count > 0 });
  if (count === 0) return <span className="muted">no webhook</span>;
  if (event.data) return <span>{summarizeDeliveries(event.data.deliveries)}</span>;
  const total = `${count} ${count === 1 ? "delivery" : "deliveries"}`;
  return (
    <span
      className="muted"
      aria-busy={event.isPending}
      title={event.isError ? "Their statuses could not be loaded." : undefined}
    >
      {total}
    </span>
  );
}

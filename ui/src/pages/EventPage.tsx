// One event: its data as published, and each delivery it made, refreshed while any is pending.
import { Link, useParams } from "react-router-dom";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Time } from "../components/Time";
import { CopyButton } from "../components/CopyButton";
import { useEvent } from "../components/events/useEvent";
import { anyPending, summarizeDeliveries } from "../components/events/deliverySummary";
import { prettyJson } from "../components/events/json";
import { EventDeliveriesTable } from "../components/events/EventDeliveriesTable";
import "../styles/events.css";

export function EventPage() {
  const { id = "" } = useParams();
  const event = useEvent(id);
  const allEvents = (
    <Link className="button" to="/events">
      All events
    </Link>
  );

  if (event.isPending) {
    return (
      <>
        <PageHeader title="Event" subtitle={<span className="mono">{id}</span>} actions={allEvents} />
        <Loading label="Loading event" />
      </>
    );
  }
  if (!event.data) {
    return (
      <>
        <PageHeader title="Event" subtitle={<span className="mono">{id}</span>} actions={allEvents} />
        <ErrorNotice error={event.error} onRetry={() => event.refetch()} />
      </>
    );
  }

  const { data } = event;
  const payload = prettyJson(data.data);
  return (
    <>
      <PageHeader
        title={data.type}
        subtitle={
          <>
            <span className="mono">{data.id}</span> · published <Time iso={data.timestamp} />
          </>
        }
        actions={allEvents}
      />
      <section className="card" aria-labelledby="event-data">
        <div className="card-header">
          <h2 id="event-data">Data</h2>
          <CopyButton value={payload} label="Copy data" />
        </div>
        <dl className="facts event-facts">
          <dt>Tenant</dt>
          <dd>{data.tenant}</dd>
          <dt>Idempotency key</dt>
          <dd className={data.idempotency_key ? "mono" : "muted"}>{data.idempotency_key ?? "none"}</dd>
          {data.inbox_request_id && (
            <>
              <dt>Came from</dt>
              <dd>
                <Link to={`/inbox-requests/${data.inbox_request_id}`}>
                  inbox request <span className="mono">{data.inbox_request_id}</span>
                </Link>
              </dd>
            </>
          )}
          <dt>Published</dt>
          <dd>{new Date(data.timestamp).toLocaleString()}</dd>
        </dl>
        <pre className="event-data">{payload}</pre>
      </section>
      <section className="card" aria-labelledby="event-deliveries">
        <div className="card-header">
          <h2 id="event-deliveries">Deliveries</h2>
          {data.deliveries.length > 0 && (
            <span className="muted">
              {summarizeDeliveries(data.deliveries)}
              {anyPending(data.deliveries) && " · updates on its own"}
            </span>
          )}
        </div>
        <ErrorNotice error={event.isRefetchError ? event.error : null} />
        {data.deliveries.length === 0 ? (
          <EmptyState title="No deliveries.">
            No webhook subscribed to this event type when it was published. Subscribe a webhook to{" "}
            <span className="mono">{data.type}</span>, then <Link to="/events/new">publish it again</Link>.
          </EmptyState>
        ) : (
          <EventDeliveriesTable deliveries={data.deliveries} />
        )}
      </section>
    </>
  );
}

// The event type catalog: the names webhooks subscribe to, described (the webhook form shows the
// descriptions under its checkboxes), and the JSON Schemas events are checked against. The admin
// adds and deletes; tenants only read.
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { useIsAdmin } from "../auth/session";
import { useEventTypeCatalog } from "../components/event-types/useEventTypeCatalog";
import { EventTypesTable } from "../components/event-types/EventTypesTable";
import { AddEventTypeForm } from "../components/event-types/AddEventTypeForm";
import "../styles/events.css";

export function EventTypes() {
  const admin = useIsAdmin();
  const types = useEventTypeCatalog();

  return (
    <>
      <PageHeader
        title="Event types"
        subtitle="The kinds of event hookd knows: webhooks subscribe to them, and a schema checks their data."
      />
      <section className="card" aria-labelledby="event-type-catalog">
        <div className="card-header">
          <h2 id="event-type-catalog">Catalog</h2>
        </div>
        {!admin && (
          <p className="notice notice-info">Only an operator can add or delete event types.</p>
        )}
        <ErrorNotice error={types.error} onRetry={() => types.refetch()} />
        {types.isPending ? (
          <Loading label="Loading event types" />
        ) : types.isError ? null : types.data.length === 0 ? (
          <EmptyState title="No event types yet.">
            The catalog is optional: the webhook form already offers the names of published
            events. A type added here is described in that form, and can carry a JSON Schema that
            every event's data must match.{" "}
            {admin ? "Add the first one below." : "Ask an operator to add them."}
          </EmptyState>
        ) : (
          <EventTypesTable types={types.data} canDelete={admin} />
        )}
      </section>
      {admin && <AddEventTypeForm />}
    </>
  );
}

// The events list: every event the token can see, newest first, with what became of its
// deliveries. Filters by type, tenant (the admin) and start time; updates on its own.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { eventListKey } from "../api/queryKeys";
import { useIsAdmin } from "../auth/session";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Pager, useCursorPages } from "../components/Pager";
import { EventFilters, type EventFilterValues } from "../components/events/EventFilters";
import { EventsTable } from "../components/events/EventsTable";
import { useSettled } from "../components/useSettled";
import "../styles/events.css";

const LIVE_MS = 3_000;
const PAGE_SIZE = 50;
const NO_FILTERS: EventFilterValues = { type: "", tenant: "", since: "" };

/** A `datetime-local` value (the browser's local time) as the RFC 3339 UTC time the API wants. */
function sinceParam(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

export function Events() {
  const admin = useIsAdmin();
  const [filters, setFilters] = useState<EventFilterValues>(NO_FILTERS);
  const type = useSettled(filters.type.trim());
  const tenant = useSettled(filters.tenant.trim());
  const since = sinceParam(filters.since);
  const pages = useCursorPages();
  const { reset } = pages;
  useEffect(() => reset(), [type, tenant, since, reset]);

  const query = {
    limit: PAGE_SIZE,
    ...(type ? { type } : {}),
    ...(admin && tenant ? { tenant } : {}),
    ...(since ? { since } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const events = useQuery({
    queryKey: eventListKey(query),
    queryFn: () => call(api.GET("/api/events", { params: { query } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });

  const shown = events.data?.data ?? [];
  const filtered = Boolean(type || (admin && tenant) || since);
  const tenantSuggestions = [...new Set(["default", ...shown.map((e) => e.tenant)])].sort();

  return (
    <>
      <PageHeader
        title="Events"
        subtitle="What was published, newest first, and where it went. Updates on its own."
        actions={
          <Link className="button button-primary" to="/events/new">
            Publish event
          </Link>
        }
      />
      <section className="card">
        <EventFilters
          values={filters}
          showTenant={admin}
          tenantSuggestions={tenantSuggestions}
          onChange={setFilters}
        />
        <ErrorNotice error={events.error} onRetry={() => events.refetch()} />
        {events.isPending ? (
          <Loading label="Loading events" />
        ) : events.isError && !events.data ? null : shown.length === 0 ? (
          filtered ? (
            <EmptyState title="No events match these filters.">
              <button type="button" className="button button-small" onClick={() => setFilters(NO_FILTERS)}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No events yet.">
              Events are what your webhooks receive: publish one from your code with{" "}
              <code>POST /api/events</code>, or try it here. <Link to="/events/new">Publish event</Link>
            </EmptyState>
          )
        ) : (
          <>
            <EventsTable events={shown} />
            <Pager
              page={pages.page}
              nextCursor={events.data?.next_cursor}
              onOlder={pages.older}
              onNewer={pages.newer}
            />
          </>
        )}
      </section>
    </>
  );
}

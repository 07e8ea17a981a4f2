// About this hookd: its version and database, how long each kind of record is kept (retention),
// and the limits a caller meets. Read from `GET /api/server`; any signed-in user may see it.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { SERVER_KEY } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { formatBytes } from "../components/format";

/** `30d` → "30 days", `12h` → "12 hours": the API's compact durations, spelled out. */
export function spellDuration(text: string): string {
  const match = /^(\d+)([dhms])$/.exec(text);
  if (!match) return text;
  const count = Number(match[1]);
  const unit = { d: "day", h: "hour", m: "minute", s: "second" }[match[2] as "d" | "h" | "m" | "s"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

export function About() {
  const server = useQuery({ queryKey: SERVER_KEY, queryFn: () => call(api.GET("/api/server")) });
  return (
    <>
      <PageHeader title="About" subtitle="This hookd: what it runs on, what it keeps and for how long." />
      <ErrorNotice error={server.error} onRetry={() => server.refetch()} />
      {server.isPending ? (
        <Loading label="Loading the server's settings" />
      ) : server.isError ? null : (
        <>
          <section className="card" aria-labelledby="about-server">
            <h2 id="about-server">Server</h2>
            <dl className="facts">
              <dt>Version</dt>
              <dd className="mono">{server.data.version}</dd>
              <dt>Database</dt>
              <dd>{server.data.database === "postgresql" ? "PostgreSQL" : "SQLite"}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="about-retention">
            <h2 id="about-retention">Retention</h2>
            <p className="muted">
              Older records are deleted in the background, a little at a time, while delivery goes on.
              Work still to be done is never deleted: an event stays until all its deliveries finished.
            </p>
            <dl className="facts">
              <dt>Events and their deliveries</dt>
              <dd>
                {spellDuration(server.data.retention.events)}{" "}
                <span className="muted">(and the audit log; an event's id de-duplicates publishes as long as it is kept)</span>
              </dd>
              <dt>Attempts</dt>
              <dd>
                {spellDuration(server.data.retention.attempts)}{" "}
                <span className="muted">(the webhooks' logs and charts)</span>
              </dd>
              <dt>Inbox requests</dt>
              <dd>{spellDuration(server.data.retention.inbox_requests)}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="about-limits">
            <h2 id="about-limits">Limits</h2>
            <dl className="facts">
              <dt>Largest event</dt>
              <dd>{formatBytes(server.data.limits.max_event_bytes)}</dd>
              <dt>Largest batch</dt>
              <dd>{formatBytes(server.data.limits.max_batch_bytes)}</dd>
              <dt>Webhooks per tenant</dt>
              <dd>{server.data.limits.max_webhooks_per_tenant}</dd>
              <dt>Inboxes per tenant</dt>
              <dd>{server.data.limits.max_inboxes_per_tenant}</dd>
              <dt>Requests in flight per webhook</dt>
              <dd>at most {server.data.limits.max_in_flight_per_webhook}</dd>
            </dl>
          </section>
        </>
      )}
    </>
  );
}

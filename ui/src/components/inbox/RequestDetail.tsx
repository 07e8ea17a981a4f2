// One received request opened: what it was (headers, body exactly as received), whether it
// verified, the event it became and that event's deliveries; and replaying it as a new event.
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { inboxRequestKey } from "../../api/queryKeys";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { formatBytes } from "../format";
import { HeadersTable } from "../delivery/HeadersTable";
import { LiveStatus } from "../webhook/LiveStatus";
import { RequestBody } from "./RequestBody";
import { Duplicate, Verification } from "./Verification";

const LIVE_MS = 2_000;

export function RequestDetail({ id, scheme, onClose }: { id: string; scheme?: string; onClose?: () => void }) {
  const request = useQuery({
    queryKey: inboxRequestKey(id),
    queryFn: () => call(api.GET("/api/inbox-requests/{id}", { params: { path: { id } } })),
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((d) => d.status === "pending") ? LIVE_MS : false,
  });
  const replay = useMutation({
    mutationFn: () => call(api.POST("/api/inbox-requests/{id}/replay", { params: { path: { id } } })),
  });

  const r = request.data;
  return (
    <section className="card request-detail" aria-label={`Request ${id}`}>
      <div className="card-header">
        <h2>Request {id}</h2>
        {onClose && (
          <button type="button" className="button button-small" onClick={onClose}>
            Close request
          </button>
        )}
      </div>
      <ErrorNotice error={request.error} onRetry={() => request.refetch()} />
      {request.isPending ? (
        <Loading label="Loading request" />
      ) : r ? (
        <>
          <dl className="facts">
            <dt>Received</dt>
            <dd>
              <Time iso={r.received_at} />
            </dd>
            <dt>Request</dt>
            <dd className="mono wrap">
              {r.method} {r.path}
              {r.query ? `?${r.query}` : ""}
            </dd>
            <dt>Source</dt>
            <dd className="mono">{r.source_ip}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(r.body_size)}</dd>
            <dt>Verification</dt>
            <dd>
              <Verification request={r} scheme={scheme} />
            </dd>
            <dt>Duplicate</dt>
            <dd>
              <Duplicate request={r} />
              {r.duplicate_of && <span className="mono"> of {r.duplicate_of}</span>}
            </dd>
            <dt>Event</dt>
            <dd>
              {r.event_id ? (
                <Link to={`/events/${r.event_id}`} className="mono">
                  {r.event_id}
                </Link>
              ) : (
                <span className="muted">
                  none ({!r.verified ? "not verified" : r.duplicate_of ? "a duplicate" : "not kept"})
                </span>
              )}
            </dd>
          </dl>
          {r.event_id && (
            <>
              <h3>Deliveries of its event</h3>
              {r.deliveries.length === 0 ? (
                <p className="muted">No webhook subscribes to this event.</p>
              ) : (
                <div className="table-wrap">
                  <table aria-label="Deliveries of its event">
                    <thead>
                      <tr>
                        <th scope="col">Delivery</th>
                        <th scope="col">Status</th>
                        <th scope="col">Attempts</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.deliveries.map((d) => (
                        <tr key={d.id}>
                          <td className="mono">
                            <Link to={`/deliveries/${d.id}`}>{d.id}</Link>
                          </td>
                          <td>
                            <StatusBadge status={d.status} />
                          </td>
                          <td>{d.attempt_count}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
          <h3>Headers</h3>
          <HeadersTable headers={r.headers} label="Request headers" empty="No headers." />
          <h3>Body</h3>
          <RequestBody body={r.body} base64={r.body_base64} />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => replay.mutate()} disabled={replay.isPending}>
              {replay.isPending ? "Replaying…" : "Replay request"}
            </button>
          </div>
          <ErrorNotice error={replay.error} />
          <LiveStatus>
            {replay.data && (
              <span>
                Replayed as event{" "}
                <Link to={`/events/${replay.data.event_id}`} className="mono">
                  {replay.data.event_id}
                </Link>
                .
              </span>
            )}
          </LiveStatus>
        </>
      ) : null}
    </section>
  );
}

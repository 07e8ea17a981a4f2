// One attempt of a delivery: how it went, the request headers sent and the response received.
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { formatMs } from "../format";
import { RequestHeadersTable } from "./RequestHeadersTable";

/** An attempt with its request headers as `[name, value]` pairs. */
export type AttemptWithHeaders = Schemas["AttemptOut"] & { request_headers: string[][] };

export function AttemptArticle({ attempt }: { attempt: AttemptWithHeaders }) {
  const name = `Attempt ${attempt.attempt}`;
  return (
    <article className="card attempt" aria-label={name}>
      <div className="card-header">
        <h3>{name}</h3>
        <span className="attempt-meta">
          <StatusBadge status={attempt.status} />
          <Time iso={attempt.created_at} />
        </span>
      </div>
      <dl className="facts">
        <dt>Response code</dt>
        <dd className="mono">{attempt.response_code ?? <span className="muted">no response</span>}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(attempt.duration_ms)}</dd>
        {attempt.error && (
          <>
            <dt>Error</dt>
            <dd>{attempt.error}</dd>
          </>
        )}
        <dt>Attempt id</dt>
        <dd className="mono">{attempt.id}</dd>
      </dl>
      <h4>Request headers</h4>
      <RequestHeadersTable headers={attempt.request_headers} label={`Request headers of ${name.toLowerCase()}`} />
      <h4>Response body</h4>
      {attempt.response_body ? (
        <pre>{attempt.response_body}</pre>
      ) : (
        <p className="muted">The response had no body.</p>
      )}
    </article>
  );
}

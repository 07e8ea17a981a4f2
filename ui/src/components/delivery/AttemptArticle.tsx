// One attempt of a delivery: how it went, the request headers sent and the response received
// (its headers and body).
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";
import { formatMs } from "../format";
import { HeadersTable } from "./HeadersTable";

/**
 * An attempt with its request and response headers as `[name, value]` pairs (the client's types
 * widen the schema's pairs to `string[]`).
 */
export type AttemptWithHeaders = Schemas["AttemptOut"] & { request_headers: string[][]; response_headers: string[][] };

/** The server shows custom header values as this, so secrets in them stay on the server. */
const MASKED = "***";

export function AttemptArticle({ attempt }: { attempt: AttemptWithHeaders }) {
  const name = `Attempt ${attempt.attempt}`;
  const lower = name.toLowerCase();
  const answered = attempt.response_code != null;
  const masked = attempt.request_headers.some(([, value]) => value === MASKED);
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
      <HeadersTable
        headers={attempt.request_headers}
        label={`Request headers of ${lower}`}
        empty="No headers were recorded."
      />
      {masked && <p className="hint">{MASKED} stands for the value of one of this webhook's custom headers, which is not shown here.</p>}
      <h4>Response headers</h4>
      <HeadersTable
        headers={attempt.response_headers}
        label={`Response headers of ${lower}`}
        empty={answered ? "The response had no headers." : "No response"}
      />
      <h4>Response body</h4>
      {attempt.response_body ? (
        <pre>{attempt.response_body}</pre>
      ) : (
        <p className="muted">{answered ? "The response had no body." : "No response"}</p>
      )}
    </article>
  );
}

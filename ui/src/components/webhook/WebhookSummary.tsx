// What a webhook is set to do, as a list of facts.
import type { Schemas } from "../../api/client";
import { Time } from "../Time";
import { formatMs } from "../format";
import { breakerSummary, orderingSummary } from "./Circuit";

export function WebhookSummary({ webhook }: { webhook: Schemas["WebhookOut"] }) {
  const headerNames = Object.keys(webhook.headers);
  return (
    <section className="card" aria-labelledby="webhook-summary">
      <h2 id="webhook-summary">Settings</h2>
      <dl className="facts">
        <dt>Description</dt>
        <dd>{webhook.description || <span className="muted">No description</span>}</dd>
        <dt>Tenant</dt>
        <dd>{webhook.tenant}</dd>
        <dt>Timeout</dt>
        <dd>{formatMs(webhook.timeout_ms)}</dd>
        <dt>Retry schedule</dt>
        <dd>
          {webhook.retry_schedule?.length ? (
            webhook.retry_schedule.join(", ")
          ) : (
            <span className="muted">server default (HOOKD_RETRY_SCHEDULE; 1m, 5m, 15m unless set)</span>
          )}
        </dd>
        <dt>Max in flight</dt>
        <dd>
          {webhook.max_in_flight} at once
          {webhook.effective_in_flight < webhook.max_in_flight && (
            <div className="hint">
              Now {webhook.effective_in_flight}: the receiver answered 429 or 503 or timed out, so
              hookd sends fewer at once until it keeps up again.
            </div>
          )}
        </dd>
        <dt>Rate limit</dt>
        <dd>
          {webhook.rate_limit ? `${webhook.rate_limit} per second` : <span className="muted">no limit</span>}
        </dd>
        <dt>Circuit breaker</dt>
        <dd>
          {webhook.circuit.state === "closed" ? "closed" : webhook.circuit.state === "open" ? "open" : "probing"}
          <div className="hint">{breakerSummary(webhook.breaker)}</div>
        </dd>
        <dt>Ordering</dt>
        <dd>{orderingSummary(webhook.ordering)}</dd>
        <dt>Filter</dt>
        <dd>
          {webhook.filter ? (
            <code>{webhook.filter}</code>
          ) : (
            <span className="muted">none: every subscribed event is sent</span>
          )}
        </dd>
        <dt>Signatures</dt>
        <dd>
          {webhook.signature.scheme === "v1a" ? (
            "Ed25519 (Standard Webhooks v1a), verified with the public key"
          ) : (
            <>
              HMAC-SHA256 (Standard Webhooks v1), and{" "}
              <span className="mono">
                {webhook.signature.simple_header}: {webhook.signature.simple_prefix}&lt;hex&gt;
              </span>
            </>
          )}
        </dd>
        <dt>Custom headers</dt>
        <dd>
          {headerNames.length ? (
            <span className="mono">{headerNames.join(", ")}</span>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        <dt>Failure streak</dt>
        <dd>
          {webhook.failure_streak === 1
            ? "1 failed delivery in a row"
            : `${webhook.failure_streak} failed deliveries in a row`}
          <p className="hint">
            A delivery counts as failed once its retries are exhausted; retries by hand and tests
            leave the count as it is.{" "}
            {webhook.breaker.enabled
              ? "With the circuit breaker on, the breaker decides when to stop and disable."
              : "With the circuit breaker off, the webhook is disabled after several in a row (HOOKD_DISABLE_AFTER_FAILURES, default 10)."}
          </p>
        </dd>
        <dt>Created</dt>
        <dd>
          <Time iso={webhook.created_at} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time iso={webhook.updated_at} />
        </dd>
      </dl>
    </section>
  );
}

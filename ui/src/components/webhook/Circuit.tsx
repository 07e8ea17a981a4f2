// A webhook's circuit breaker as people see it: a badge for the webhooks list, and a notice at
// the top of the webhook's page while its circuit is not closed (since when, why, next probe).
import type { Schemas } from "../../api/client";
import { StatusBadge } from "../StatusBadge";
import { Time } from "../Time";

export type CircuitOut = Schemas["WebhookOut"]["circuit"];

/** Nothing while the circuit is closed; "circuit open" or "probing" otherwise. */
export function CircuitBadge({ circuit }: { circuit: CircuitOut }) {
  if (circuit.state === "open") return <StatusBadge status="failed" label="circuit open" />;
  if (circuit.state === "half_open") return <StatusBadge status="pending" label="circuit probing" />;
  return null;
}

/** What an open (or probing) circuit means for this webhook's deliveries, with its times. */
export function CircuitNotice({ webhook }: { webhook: Schemas["WebhookOut"] }) {
  const { circuit } = webhook;
  if (circuit.state === "closed" || !webhook.active) return null;
  const probing = circuit.state === "half_open";
  return (
    <section className="notice notice-warning circuit-notice" role="status" aria-labelledby="circuit-title">
      <h2 id="circuit-title">{probing ? "Circuit probing" : "Circuit open"}</h2>
      <p>
        {webhook.breaker.failures} attempts in a row failed
        {circuit.reason ? (
          <>
            {" "}
            (the last: <span className="mono">{circuit.reason}</span>)
          </>
        ) : null}
        , so hookd stopped sending to this URL <Time iso={circuit.opened_at} />. Its deliveries wait
        without using up their retries.
      </p>
      <dl className="facts">
        <dt>Opened</dt>
        <dd>
          <Time iso={circuit.opened_at} />
        </dd>
        <dt>{probing ? "Probe" : "Next probe"}</dt>
        <dd>
          {probing ? (
            "sending one delivery now to see whether the receiver is back"
          ) : (
            <>
              <Time iso={circuit.next_probe_at} />: one delivery (the oldest waiting, or a ping)
              tests the receiver; success closes the circuit and the backlog drains, failure
              doubles the wait (up to {webhook.breaker.max_cooldown}). Once the receiver is
              back, Send test closes the circuit at once.
            </>
          )}
        </dd>
        {webhook.breaker.disable_after ? (
          <>
            <dt>Disabled after</dt>
            <dd>{webhook.breaker.disable_after} open, as failing</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/** The breaker's settings in one sentence, for the webhook's settings card. */
export function breakerSummary(breaker: Schemas["WebhookOut"]["breaker"]): string {
  if (!breaker.enabled) return "off: failing deliveries use up their retries, and the webhook is disabled after several failed in a row";
  const disable = breaker.disable_after
    ? `; disabled as failing when still open after ${breaker.disable_after}`
    : "; never disabled for it";
  return `opens after ${breaker.failures} failed attempts in a row; probes after ${breaker.cooldown}, doubling up to ${breaker.max_cooldown}${disable}`;
}

/** A webhook's `ordering` in words. */
export function orderingSummary(ordering: string | null | undefined): string {
  if (!ordering) return "none: deliveries run side by side";
  if (ordering === "webhook") return "the whole webhook: one delivery at a time, in publish order";
  return `per value of ${ordering.replace(/^json:/, "")}: in publish order within each value`;
}

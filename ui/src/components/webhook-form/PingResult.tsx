// What became of the ping sent to a new webhook: polls its event every second until the first
// attempt is made (at most 20 s), then says whether the receiver took it, and what it answered.
import { useEffect, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { pingDeliveryKey, pingEventKey } from "../../api/queryKeys";
import { ErrorNotice } from "../ErrorNotice";
import { formatMs } from "../format";

const POLL_MS = 1_000;
const GIVE_UP_MS = 20_000;

/** The event's delivery once it has been tried at least once (or has finished otherwise). */
function triedDelivery(event: Schemas["EventOut"] | undefined) {
  const delivery = event?.deliveries[0];
  if (!delivery) return undefined;
  return delivery.status !== "pending" || delivery.attempt_count > 0 ? delivery : undefined;
}

function lastAttempt(delivery: { attempts: Schemas["AttemptOut"][] } | undefined) {
  if (!delivery || delivery.attempts.length === 0) return undefined;
  return delivery.attempts.reduce((last, a) => (a.attempt > last.attempt ? a : last));
}

export function PingResult({ pingEventId }: { pingEventId: string | null | undefined }) {
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    if (!pingEventId) return;
    const timer = setTimeout(() => setGaveUp(true), GIVE_UP_MS);
    return () => clearTimeout(timer);
  }, [pingEventId]);

  const event = useQuery({
    queryKey: pingEventKey(pingEventId),
    queryFn: () => call(api.GET("/api/events/{id}", { params: { path: { id: pingEventId ?? "" } } })),
    enabled: Boolean(pingEventId),
    refetchInterval: (query) => (gaveUp || triedDelivery(query.state.data) ? false : POLL_MS),
  });
  const tried = triedDelivery(event.data);
  const delivery = useQuery({
    queryKey: pingDeliveryKey(tried?.id),
    queryFn: () => call(api.GET("/api/deliveries/{id}", { params: { path: { id: tried?.id ?? "" } } })),
    enabled: Boolean(tried),
  });

  if (!pingEventId) {
    return <p className="ping-result">No ping was sent. Use “Send test” on the webhook's page to try it.</p>;
  }
  const attempt = lastAttempt(delivery.data);
  let outcome: string;
  let tone = "info";
  if (attempt?.status === "succeeded") {
    outcome = `Ping delivered: the receiver answered ${attempt.response_code ?? "2xx"} in ${formatMs(attempt.duration_ms)}.`;
    tone = "good";
  } else if (attempt) {
    const why = attempt.error ?? (attempt.response_code ? `the receiver answered ${attempt.response_code}` : "no answer");
    const retry = delivery.data?.status === "pending" ? " hookd will retry it on the webhook's schedule." : "";
    outcome = `Ping failed: ${why}.${retry}`;
    tone = "error";
  } else if (gaveUp || event.error || delivery.error) {
    outcome = "The ping has not been tried yet. Its result will appear in the webhook's logs.";
  } else {
    outcome = "Sending ping…";
  }
  return (
    <>
      <p className={`notice notice-${tone} ping-result`} role="status">
        {outcome}
      </p>
      <ErrorNotice error={event.error ?? delivery.error} onRetry={() => (event.error ? event.refetch() : delivery.refetch())} />
    </>
  );
}

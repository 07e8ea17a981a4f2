// Re-queues every delivery to this webhook that ended failed since a chosen time: the way back
// after an outage of the receiver. "Preview" first says how many that would be, and which (a dry
// run that changes nothing); recovering does not need it.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { DELIVERIES_KEY, METRICS_KEY, webhookKey } from "../../api/queryKeys";
import { ApiError } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { RetrySample } from "../delivery/RetrySample";
import { lastAttemptDue } from "../delivery/dueAt";
import { LiveStatus } from "./LiveStatus";
import { localInputToIso, toLocalInput } from "./localTime";

const DAY_MS = 24 * 60 * 60 * 1000;
const deliveries = (n: number) => `${n} ${n === 1 ? "delivery" : "deliveries"}`;

export function RecoverForm({ webhookId }: { webhookId: string }) {
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - DAY_MS)));
  const [missing, setMissing] = useState(false);
  const send = (sinceIso: string, dryRun: boolean) =>
    call(
      api.POST("/api/webhooks/{id}/recover", {
        params: { path: { id: webhookId } },
        body: dryRun ? { since: sinceIso, dry_run: true } : { since: sinceIso },
      }),
    );
  const preview = useMutation({ mutationFn: (sinceIso: string) => send(sinceIso, true) });
  const recover = useMutation({
    mutationFn: (sinceIso: string) => send(sinceIso, false),
    onSuccess: () => {
      preview.reset();
      void queryClient.invalidateQueries({ queryKey: webhookKey(webhookId) });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
      void queryClient.invalidateQueries({ queryKey: DELIVERIES_KEY });
    },
  });

  /** The chosen time as the API wants it, or nothing (and the field says why). */
  function chosenSince(): string | undefined {
    const sinceIso = localInputToIso(since);
    setMissing(!sinceIso);
    return sinceIso;
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    const sinceIso = chosenSince();
    if (sinceIso) recover.mutate(sinceIso);
  }
  function previewRecover() {
    const sinceIso = chosenSince();
    recover.reset();
    if (sinceIso) preview.mutate(sinceIso);
  }

  const error = recover.error ?? preview.error;
  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = missing ? "Choose a date and time." : apiError?.fieldMessage("since");
  const requeued = recover.data?.requeued;
  const due = recover.data?.last_attempt_due_at;
  const matched = preview.data?.matched;
  return (
    <section className="card" aria-labelledby="webhook-recover">
      <h2 id="webhook-recover">Recover failed deliveries</h2>
      <p className="muted">
        After the receiver was down, send every delivery that ran out of retries since then one more
        time. <Link to={`/deliveries?webhook=${webhookId}`}>See its failed deliveries</Link>
      </p>
      <form className="toolbar" onSubmit={submit} noValidate>
        <Field label="Failed since" error={fieldError}>
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => {
              setSince(e.target.value);
              preview.reset();
            }}
          />
        </Field>
        <button type="button" className="button" onClick={previewRecover} disabled={preview.isPending}>
          {preview.isPending ? "Counting…" : "Preview"}
        </button>
        <button type="submit" className="button button-primary" disabled={recover.isPending}>
          {recover.isPending ? "Recovering…" : "Recover failed deliveries"}
        </button>
      </form>
      {!apiError?.fieldMessage("since") && <ErrorNotice error={error} />}
      <LiveStatus tone="info">
        {matched !== undefined &&
          (matched === 0
            ? "Nothing to recover: no delivery failed since then."
            : `Recovering would re-queue ${deliveries(matched)}, paced at most 10 a second.`)}
      </LiveStatus>
      {preview.data && <RetrySample sample={preview.data.sample} showWebhook={false} />}
      <LiveStatus tone={requeued === 0 ? "info" : "good"}>
        {requeued !== undefined &&
          (requeued === 0 ? (
            "Re-queued 0 deliveries: nothing failed since then."
          ) : (
            <>
              <span>Re-queued {deliveries(requeued)}.</span>
              {due && <span> {capitalised(lastAttemptDue(due))}.</span>}
            </>
          ))}
      </LiveStatus>
    </section>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

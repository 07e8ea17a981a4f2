// Re-queues every delivery to this webhook that ended failed since a chosen time: the way back
// after an outage of the receiver.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { METRICS_KEY, webhookKey } from "../../api/queryKeys";
import { ApiError } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { LiveStatus } from "./LiveStatus";
import { localInputToIso, toLocalInput } from "./localTime";

const DAY_MS = 24 * 60 * 60 * 1000;

export function RecoverForm({ webhookId }: { webhookId: string }) {
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - DAY_MS)));
  const [missing, setMissing] = useState(false);
  const recover = useMutation({
    mutationFn: (sinceIso: string) =>
      call(api.POST("/api/webhooks/{id}/recover", { params: { path: { id: webhookId } }, body: { since: sinceIso } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookKey(webhookId) });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const sinceIso = localInputToIso(since);
    setMissing(!sinceIso);
    if (sinceIso) recover.mutate(sinceIso);
  }

  const apiError = recover.error instanceof ApiError ? recover.error : undefined;
  const fieldError = missing
    ? "Choose a date and time."
    : apiError?.fieldMessage("since");
  const requeued = recover.data?.requeued;
  return (
    <section className="card" aria-labelledby="webhook-recover">
      <h2 id="webhook-recover">Recover failed deliveries</h2>
      <p className="muted">
        After the receiver was down, send every delivery that ran out of retries since then one more
        time.
      </p>
      <form className="toolbar" onSubmit={submit} noValidate>
        <Field label="Failed since" error={fieldError}>
          <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
        </Field>
        <button type="submit" className="button button-primary" disabled={recover.isPending}>
          {recover.isPending ? "Recovering…" : "Recover failed deliveries"}
        </button>
      </form>
      {!apiError?.fieldMessage("since") && <ErrorNotice error={recover.error} />}
      <LiveStatus tone={requeued === 0 ? "info" : "good"}>
        {requeued !== undefined &&
          (requeued === 0
            ? "Re-queued 0 deliveries: nothing failed since then."
            : `Re-queued ${requeued} ${requeued === 1 ? "delivery" : "deliveries"}.`)}
      </LiveStatus>
    </section>
  );
}

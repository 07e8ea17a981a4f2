// Sends one webhook.ping to the webhook now (one attempt, no retries) and shows what came back.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { METRICS_KEY, webhookKey } from "../../api/queryKeys";
import { ErrorNotice } from "../ErrorNotice";
import { TestResult } from "./TestResult";

export function TestPanel({ webhookId }: { webhookId: string }) {
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () => call(api.POST("/api/webhooks/{id}/test", { params: { path: { id: webhookId } } })),
    onSuccess: () => {
      // The test is logged like any attempt, and counts in the charts and the failure streak.
      void queryClient.invalidateQueries({ queryKey: webhookKey(webhookId) });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
    },
  });
  return (
    <section className="card" aria-labelledby="webhook-test">
      <h2 id="webhook-test">Send a test</h2>
      <p className="muted">
        Delivers a <code>webhook.ping</code> event right away: one attempt, no retries, logged with
        the other attempts.
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={test.isPending}
          onClick={() => test.mutate()}
        >
          {test.isPending ? "Sending…" : "Send test"}
        </button>
      </div>
      <ErrorNotice error={test.error} />
      <div role="status" aria-live="polite" aria-label="Test result" className="live-status">
        {test.data && !test.isPending && <TestResult result={test.data} />}
      </div>
    </section>
  );
}

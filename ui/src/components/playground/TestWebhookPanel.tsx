// "Send a test webhook": publishes a sample event (editable) to the playground's test webhook,
// optionally through a filter, with the playground answering a chosen status, so a person can
// watch it be delivered, signed and verified, filtered out, or failed and retried.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { INBOXES_KEY, WEBHOOKS_KEY } from "../../api/queryKeys";
import { fieldErrors } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { checkJsonObject } from "../events/json";
import { LiveStatus } from "../webhook/LiveStatus";
import { TestDelivery } from "./TestDelivery";
import { TEST_RETRY_SCHEDULE, type Inbox, type Webhook } from "./usePlayground";

const SAMPLE = JSON.stringify({ order_id: 42, amount: 99.5, currency: "EUR" }, null, 2);

/** What the playground can answer: success, or a failure that makes hookd retry. */
export const ANSWERS: [number, string][] = [
  [200, "200 OK (delivered)"],
  [500, "500 Internal Server Error (retried)"],
  [503, "503 Service Unavailable (retried)"],
  [429, "429 Too Many Requests (retried)"],
];

export function TestWebhookPanel({ inbox, webhook }: { inbox: Inbox; webhook: Webhook }) {
  const queryClient = useQueryClient();
  const [type, setType] = useState("playground.test");
  const [data, setData] = useState(SAMPLE);
  const [filter, setFilter] = useState(webhook.filter ?? "");
  const [answer, setAnswer] = useState(inbox.response.status ?? 200);
  const checked = checkJsonObject(data, "Data");

  const send = useMutation({
    mutationFn: async () => {
      if (!checked.ok) throw new Error(checked.message);
      const wanted = filter.trim() || null;
      if (wanted !== (webhook.filter ?? null)) {
        await call(
          api.PATCH("/api/webhooks/{id}", { params: { path: { id: webhook.id } }, body: { filter: wanted } }),
        );
        void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
      }
      if (answer !== (inbox.response.status ?? 200)) {
        await call(
          api.PATCH("/api/inboxes/{id}", { params: { path: { id: inbox.id } }, body: { response: { status: answer } } }),
        );
        void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
      }
      return call(
        api.POST("/api/events", {
          body: { type: type.trim(), data: checked.value, tenant: inbox.tenant, webhooks: [webhook.id] },
        }),
      );
    },
  });
  const errors = fieldErrors(send.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    send.mutate();
  }

  return (
    <section className="card" aria-label="Send a test webhook">
      <h2>Send a test webhook</h2>
      <p className="hint">
        Publishes an event to the playground's own webhook, which delivers it here signed with the secret this
        playground verifies. A failing answer makes hookd retry after {TEST_RETRY_SCHEDULE.join(" and ")}.
      </p>
      <form onSubmit={submit} className="test-webhook-form">
        <Field label="Event type" hint="The test webhook subscribes to playground.*" error={errors.type}>
          <input type="text" value={type} onChange={(e) => setType(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Data (JSON)" error={!checked.ok ? checked.message : errors.data}>
          <textarea rows={6} value={data} onChange={(e) => setData(e.target.value)} spellCheck={false} className="mono" />
        </Field>
        <Field
          label="Filter (optional)"
          hint='Only events for which it is true are delivered, e.g. data.amount > 100'
          error={errors.filter}
        >
          <input type="text" value={filter} onChange={(e) => setFilter(e.target.value)} spellCheck={false} />
        </Field>
        <Field label="The playground answers" error={errors["response.status"]}>
          <select value={answer} onChange={(e) => setAnswer(Number(e.target.value))}>
            {ANSWERS.map(([status, label]) => (
              <option key={status} value={status}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={!checked.ok || send.isPending}>
            {send.isPending ? "Sending…" : "Send test webhook"}
          </button>
        </div>
      </form>
      <ErrorNotice error={send.error} />
      <LiveStatus tone={send.data?.deliveries === 0 ? "info" : "good"}>
        {send.data &&
          (send.data.deliveries === 0
            ? `Published ${send.data.id}, but the filter is false for it: nothing is delivered.`
            : `Published ${send.data.id}: watch it arrive below.`)}
      </LiveStatus>
      {send.data && send.data.deliveries > 0 && <TestDelivery eventId={send.data.id} />}
    </section>
  );
}

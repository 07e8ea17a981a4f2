// "Edit webhook": the add form filled from the stored webhook, saving only what changed.
import { useMemo } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { webhookEditKey, webhookKey, WEBHOOKS_KEY } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { WebhookForm } from "../components/webhook-form/WebhookForm";
import { toPatchBody, valuesFromWebhook, type WebhookFormValues } from "../components/webhook-form/values";
import type { WebhookPageState } from "./WebhookPage";
import "../styles/webhooks.css";

export function EditWebhook() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const webhook = useQuery({
    queryKey: webhookEditKey(id),
    queryFn: () => call(api.GET("/api/webhooks/{id}", { params: { path: { id: id } } })),
    // The form is filled once; refreshing behind the person's back would change nothing they see.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const initial = useMemo(() => (webhook.data ? valuesFromWebhook(webhook.data) : null), [webhook.data]);

  const save = useMutation({
    mutationFn: (patch: Schemas["WebhookPatch"]) =>
      call(api.PATCH("/api/webhooks/{id}", { params: { path: { id: id } }, body: patch })),
    onSuccess: async (updated) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY }),
        queryClient.invalidateQueries({ queryKey: webhookKey(id) }),
      ]);
      // A new scheme made a new secret: the webhook's page says so (the secret itself stays out
      // of the history entry; the page reveals it on request).
      const state: WebhookPageState | undefined = updated.previous_secret_expires_at
        ? { schemeChangedUntil: updated.previous_secret_expires_at }
        : undefined;
      navigate(`/webhooks/${id}`, { state });
    },
  });

  function submit(values: WebhookFormValues) {
    if (!initial) return;
    const patch = toPatchBody(initial, values);
    if (Object.keys(patch).length === 0) navigate(`/webhooks/${id}`);
    else save.mutate(patch);
  }

  const cancel = (
    <Link className="button" to={`/webhooks/${id}`}>
      Cancel
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Edit webhook"
        subtitle={webhook.data ? <span className="mono">{webhook.data.url}</span> : undefined}
      />
      {webhook.error ? (
        <>
          <ErrorNotice error={webhook.error} onRetry={() => webhook.refetch()} />
          <p>
            <Link to="/webhooks">Back to webhooks</Link>
          </p>
        </>
      ) : !initial ? (
        <Loading label="Loading webhook" />
      ) : (
        <div className="card">
          <WebhookForm
            mode="edit"
            initial={initial}
            chooseTenant={false}
            busy={save.isPending}
            error={save.error}
            submitLabel="Save changes"
            busyLabel="Saving…"
            onSubmit={submit}
            secondaryAction={cancel}
          />
        </div>
      )}
    </>
  );
}

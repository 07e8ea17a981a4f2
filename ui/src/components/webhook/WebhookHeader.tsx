// The top of a webhook's page: its URL, state, id and events, and its main actions: pause or
// resume it, edit it, delete it (after asking).
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { METRICS_KEY, webhookKey, WEBHOOKS_KEY } from "../../api/queryKeys";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorNotice } from "../ErrorNotice";
import { PageHeader } from "../PageHeader";
import { WebhookState } from "../StatusBadge";

const WHY_DISABLED: Record<string, string> = {
  manual: "It was disabled by hand.",
  failing: "hookd disabled it because its deliveries kept failing.",
  gone: "hookd disabled it because the receiver answered 410 Gone.",
};

export function WebhookHeader({ webhook }: { webhook: Schemas["WebhookOut"] }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const toggle = useMutation({
    mutationFn: (enable: boolean) =>
      call(
        enable
          ? api.POST("/api/webhooks/{id}/enable", { params: { path: { id: webhook.id } } })
          : api.POST("/api/webhooks/{id}/disable", { params: { path: { id: webhook.id } } }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(webhookKey(webhook.id), updated);
      void queryClient.invalidateQueries({ queryKey: webhookKey(webhook.id) });
      void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
    },
  });

  const remove = useMutation({
    mutationFn: () => call(api.DELETE("/api/webhooks/{id}", { params: { path: { id: webhook.id } } })),
    onSuccess: () => {
      setConfirmingDelete(false);
      navigate("/webhooks");
      queryClient.removeQueries({ queryKey: webhookKey(webhook.id) });
      void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
    },
    onError: () => setConfirmingDelete(false),
  });

  const enabling = !webhook.active;
  const toggleLabel = toggle.isPending
    ? enabling
      ? "Enabling…"
      : "Disabling…"
    : enabling
      ? "Enable"
      : "Disable";
  return (
    <>
      <PageHeader
        title={webhook.url}
        subtitle={
          <span className="webhook-subtitle">
            <WebhookState active={webhook.active} reason={webhook.disabled_reason} />
            <span className="mono">{webhook.id}</span>
            <span aria-label="Subscribed events">
              {webhook.events.map((event) => (
                <code key={event} className="event-chip">
                  {event}
                </code>
              ))}
            </span>
          </span>
        }
        actions={
          <>
            <button
              type="button"
              className="button"
              disabled={toggle.isPending}
              onClick={() => toggle.mutate(enabling)}
            >
              {toggleLabel}
            </button>
            <Link className="button" to={`/webhooks/${webhook.id}/edit`}>
              Edit
            </Link>
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isPending}
              onClick={() => setConfirmingDelete(true)}
            >
              {remove.isPending ? "Deleting…" : "Delete"}
            </button>
          </>
        }
      />
      <ErrorNotice error={toggle.error} />
      <ErrorNotice error={remove.error} />
      {!webhook.active && (
        <div className="notice notice-info">
          <span>
            {WHY_DISABLED[webhook.disabled_reason ?? ""] ?? "It is disabled."} It gets no new
            events, and its pending deliveries wait until it is enabled again.
          </span>
        </div>
      )}
      {confirmingDelete && (
        <ConfirmDialog
          title="Delete webhook"
          message={`${webhook.url} will get no more events, and its pending deliveries are cancelled. This cannot be undone.`}
          confirmLabel="Delete webhook"
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          onCancel={() => setConfirmingDelete(false)}
        />
      )}
    </>
  );
}

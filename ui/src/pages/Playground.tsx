// The playground: one click makes a playground inbox (a request bin that expires after 24 h)
// and its test webhook; requests show up live as they arrive; "Send a test webhook" shows
// hookd's own deliveries being signed, verified, filtered and retried.
import { useState } from "react";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { LiveRequests } from "../components/inbox/LiveRequests";
import { ReceiveUrl } from "../components/playground/ReceiveUrl";
import { TestWebhookPanel } from "../components/playground/TestWebhookPanel";
import { usePlayground } from "../components/playground/usePlayground";
import "../styles/inbox.css";

export function Playground() {
  const { playgrounds, inbox, url, webhook, create, remove } = usePlayground();
  const [confirming, setConfirming] = useState(false);

  const header = (
    <PageHeader
      title="Playground"
      subtitle="A URL that shows every request sent to it, live, and a test webhook to try hookd's deliveries on. Playgrounds expire after 24 hours."
      actions={
        inbox && (
          <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
            Delete playground
          </button>
        )
      }
    />
  );
  if (playgrounds.isPending) {
    return (
      <>
        {header}
        <Loading label="Loading the playground" />
      </>
    );
  }
  if (!inbox || !url) {
    return (
      <>
        {header}
        <ErrorNotice error={playgrounds.error} onRetry={() => playgrounds.refetch()} />
        <section className="card">
          <EmptyState title="No playground yet.">
            <p>
              A playground is an inbox of your own for 24 hours: send it anything and see each request arrive, or let
              hookd send it a signed test webhook.
            </p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => create.mutate()}
              disabled={create.isPending}
            >
              {create.isPending ? "Creating…" : "Create playground"}
            </button>
          </EmptyState>
          <ErrorNotice error={create.error} />
        </section>
      </>
    );
  }
  return (
    <>
      {header}
      <ReceiveUrl url={url} expiresAt={inbox.expires_at} />
      {webhook.data ? (
        <TestWebhookPanel key={webhook.data.id} inbox={inbox} webhook={webhook.data} />
      ) : webhook.isPending ? (
        <Loading label="Loading the test webhook" />
      ) : (
        <section className="card" aria-label="Send a test webhook">
          <ErrorNotice error={webhook.error} onRetry={() => webhook.refetch()} />
          {!webhook.error && (
            <p className="muted">This playground's test webhook was deleted. Delete the playground and make a new one to send test webhooks.</p>
          )}
        </section>
      )}
      <LiveRequests
        inboxId={inbox.id}
        scheme={inbox.verify.scheme}
        empty={<>Send a test webhook, or run the curl command above: each request appears here as it arrives.</>}
      />
      {confirming && (
        <ConfirmDialog
          title="Delete playground"
          message="This deletes the playground, its requests and its test webhook."
          confirmLabel="Delete playground"
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate(undefined, { onSettled: () => setConfirming(false) })}
        />
      )}
      <ErrorNotice error={remove.error} />
    </>
  );
}

// "New inbox": the form, then (on 201) its receive URL and its secret, shown this once.
import { Link } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { INBOXES_KEY } from "../api/queryKeys";
import { useSignedIn } from "../auth/session";
import { PageHeader } from "../components/PageHeader";
import { CopyButton } from "../components/CopyButton";
import { CreatedSecret } from "../components/inbox/CreatedSecret";
import { InboxForm } from "../components/inbox-form/InboxForm";
import { emptyInboxValues, toCreateBody } from "../components/inbox-form/values";
import { absoluteUrl } from "../components/playground/usePlayground";
import "../styles/inbox.css";

export function NewInbox() {
  const session = useSignedIn();
  const admin = session.role === "admin";
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Schemas["InboxIn"]) => call(api.POST("/api/inboxes", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOXES_KEY }),
  });
  const made = create.data;
  return (
    <>
      <PageHeader title="New inbox" subtitle="A URL of hookd's own that receives webhooks from another service, verifies them and turns them into events." />
      {made ? (
        <section className="card" aria-label="Inbox created">
          <h2>Inbox {made.name} created</h2>
          <p>Give the sender this URL:</p>
          <div className="copy-row">
            <code aria-label="Receive URL">{absoluteUrl(made.receive_url)}</code>
            <CopyButton value={absoluteUrl(made.receive_url)} label="Copy URL" />
          </div>
          {made.verify.secret && <CreatedSecret secret={made.verify.secret} title="Its secret" />}
          <div className="form-actions">
            <Link className="button button-primary" to={`/inboxes/${made.id}`}>
              Open inbox
            </Link>
            <button type="button" className="button" onClick={() => create.reset()}>
              Add another
            </button>
          </div>
        </section>
      ) : (
        <div className="card">
          <InboxForm
            mode="create"
            initial={emptyInboxValues(session.tenant ?? "default")}
            chooseTenant={admin}
            busy={create.isPending}
            error={create.error}
            submitLabel="Create inbox"
            onSubmit={(values) => create.mutate(toCreateBody(values, { chooseTenant: admin }))}
            secondaryAction={
              <Link className="button" to="/inboxes">
                Cancel
              </Link>
            }
          />
        </div>
      )}
    </>
  );
}

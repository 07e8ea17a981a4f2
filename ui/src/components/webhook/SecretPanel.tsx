// The webhook's signing secret: hidden until asked for, copyable, and rotatable (the previous
// secret keeps signing for 24 hours so receivers can switch over without dropping deliveries).
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { ConfirmDialog } from "../ConfirmDialog";
import { CopyButton } from "../CopyButton";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { Time } from "../Time";
import { webhookSecretKey } from "./queryKeys";

export function SecretPanel({ webhookId }: { webhookId: string }) {
  const queryClient = useQueryClient();
  const [shown, setShown] = useState(false);
  const [confirmingRotate, setConfirmingRotate] = useState(false);
  const [previousExpiresAt, setPreviousExpiresAt] = useState<string | null>(null);

  const secret = useQuery({
    queryKey: webhookSecretKey(webhookId),
    queryFn: () => call(api.GET("/api/webhooks/{id}/secret", { params: { path: { id: webhookId } } })),
    enabled: shown,
    // A secret is not kept in the cache once hidden.
    gcTime: 0,
    staleTime: Infinity,
  });

  const rotate = useMutation({
    mutationFn: () => call(api.POST("/api/webhooks/{id}/rotate-secret", { params: { path: { id: webhookId } } })),
    onSuccess: (rotated) => {
      queryClient.setQueryData(webhookSecretKey(webhookId), { secret: rotated.secret });
      setPreviousExpiresAt(rotated.previous_secret_expires_at);
      setShown(true);
    },
    onSettled: () => setConfirmingRotate(false),
  });

  function hide() {
    setShown(false);
    queryClient.removeQueries({ queryKey: webhookSecretKey(webhookId) });
  }

  return (
    <section className="card" aria-labelledby="webhook-secret">
      <h2 id="webhook-secret">Signing secret</h2>
      <p className="muted">
        Receivers use it to check that a request came from hookd (the <code>webhook-signature</code>{" "}
        header).
      </p>
      {shown && secret.data ? (
        <div className="secret">
          <code>{secret.data.secret}</code>
          <CopyButton value={secret.data.secret} label="Copy secret" />
          <button type="button" className="button button-small" onClick={hide}>
            Hide secret
          </button>
        </div>
      ) : shown && secret.isFetching ? (
        <Loading label="Fetching the secret" />
      ) : null}
      {previousExpiresAt && (
        <p className="notice notice-info">
          <span>
            Rotated. The previous secret keeps working until{" "}
            {new Date(previousExpiresAt).toLocaleString()} (<Time iso={previousExpiresAt} />); until
            then every delivery carries both signatures.
          </span>
        </p>
      )}
      <ErrorNotice error={secret.error} onRetry={() => secret.refetch()} />
      <ErrorNotice error={rotate.error} />
      <div className="form-actions">
        {!(shown && secret.data) && (
          <button
            type="button"
            className="button"
            disabled={shown && secret.isFetching}
            onClick={() => (shown ? secret.refetch() : setShown(true))}
          >
            Reveal secret
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={rotate.isPending}
          onClick={() => setConfirmingRotate(true)}
        >
          {rotate.isPending ? "Rotating…" : "Rotate secret"}
        </button>
      </div>
      {confirmingRotate && (
        <ConfirmDialog
          title="Rotate secret"
          message="hookd makes a new signing secret now. The old secret keeps working for 24 hours (both signatures are sent), so receivers have time to switch to the new one."
          confirmLabel="Rotate secret"
          busy={rotate.isPending}
          onConfirm={() => rotate.mutate()}
          onCancel={() => setConfirmingRotate(false)}
        />
      )}
    </section>
  );
}

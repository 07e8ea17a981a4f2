// The webhook's signing secret: hidden until asked for, copyable, and rotatable (the previous
// secret keeps signing for 24 hours so receivers can switch over without dropping deliveries).
// For an Ed25519 (v1a) webhook, the public key receivers verify with is shown openly above it.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { webhookKey, webhookSecretKey } from "../../api/queryKeys";
import { ConfirmDialog } from "../ConfirmDialog";
import { CopyButton } from "../CopyButton";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { Time } from "../Time";

export function SecretPanel({
  webhook,
  schemeChangedUntil = null,
}: {
  webhook: Schemas["WebhookOut"];
  /** Set right after a change of scheme: until when the previous secret keeps signing. */
  schemeChangedUntil?: string | null;
}) {
  const webhookId = webhook.id;
  const v1a = webhook.signature.scheme === "v1a";
  const queryClient = useQueryClient();
  const [shown, setShown] = useState(false);
  const [confirmingRotate, setConfirmingRotate] = useState(false);
  const [previousExpiresAt, setPreviousExpiresAt] = useState<string | null>(null);
  const [rotatedPublicKey, setRotatedPublicKey] = useState<string | null>(null);
  const publicKey = rotatedPublicKey ?? webhook.public_key;

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
      queryClient.setQueryData(webhookSecretKey(webhookId), {
        secret: rotated.secret,
        public_key: rotated.public_key,
      });
      setPreviousExpiresAt(rotated.previous_secret_expires_at);
      setRotatedPublicKey(rotated.public_key ?? null);
      setShown(true);
      // The summary shows the public key too.
      void queryClient.invalidateQueries({ queryKey: webhookKey(webhookId), exact: true });
    },
    onSettled: () => setConfirmingRotate(false),
  });

  function hide() {
    setShown(false);
    queryClient.removeQueries({ queryKey: webhookSecretKey(webhookId) });
  }

  return (
    <section className="card" aria-labelledby="webhook-secret">
      <h2 id="webhook-secret">{v1a ? "Signing key" : "Signing secret"}</h2>
      {v1a && publicKey ? (
        <>
          <p className="muted">
            hookd signs each delivery with an Ed25519 key (<code>webhook-signature: v1a,…</code>).
            Receivers verify with this public key; it is not a secret, so share it freely.
          </p>
          <h3 id="webhook-public-key">Public key</h3>
          <div className="secret" role="group" aria-labelledby="webhook-public-key">
            <code>{publicKey}</code>
            <CopyButton value={publicKey} label="Copy public key" />
          </div>
          <p className="muted">The signing key (whsk_…) stays with hookd: receivers never need it.</p>
        </>
      ) : (
        <p className="muted">
          Receivers use it to check that a request came from hookd (the <code>webhook-signature</code>{" "}
          header, and <code>{webhook.signature.simple_header}</code>).
        </p>
      )}
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
      {schemeChangedUntil && !previousExpiresAt && (
        <p className="notice notice-info">
          <span>
            The signature scheme changed: hookd made a new {v1a ? "key pair" : "secret"}. The previous
            secret keeps signing, in its own scheme, until {new Date(schemeChangedUntil).toLocaleString()}{" "}
            (<Time iso={schemeChangedUntil} />).
          </span>
        </p>
      )}
      {previousExpiresAt && (
        <p className="notice notice-info">
          <span>
            Rotated. The previous {v1a ? "key" : "secret"} keeps working until{" "}
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
          message={
            v1a
              ? "hookd makes a new key pair now. The old key keeps signing for 24 hours (both signatures are sent), so receivers have time to switch to the new public key."
              : "hookd makes a new signing secret now. The old secret keeps working for 24 hours (both signatures are sent), so receivers have time to switch to the new one."
          }
          confirmLabel="Rotate secret"
          busy={rotate.isPending}
          onConfirm={() => rotate.mutate()}
          onCancel={() => setConfirmingRotate(false)}
        />
      )}
    </section>
  );
}

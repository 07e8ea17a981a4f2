// What "Add webhook" shows once the server said 201: the new webhook, its secret (shown in full
// here this once) and, for Ed25519 (v1a), the public key receivers verify with, what became of
// the ping, and where to go next.
import { useEffect, useRef } from "react";
import { Link } from "react-router-dom";
import type { Schemas } from "../../api/client";
import { CopyButton } from "../CopyButton";
import { PingResult } from "./PingResult";

export function CreatedWebhook({
  webhook,
  onAddAnother,
}: {
  webhook: Schemas["WebhookCreated"];
  onAddAnother: () => void;
}) {
  // The form this replaces had the focus; move it here so the news is read out.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="card created-webhook" aria-label="Webhook created">
      <h2 ref={heading} tabIndex={-1}>
        Webhook created
      </h2>
      <dl className="facts">
        <dt>URL</dt>
        <dd className="mono">{webhook.url}</dd>
        <dt>Events</dt>
        <dd>{webhook.events.join(", ")}</dd>
        <dt>Tenant</dt>
        <dd>{webhook.tenant}</dd>
      </dl>
      {webhook.public_key ? (
        <>
          <h3>Public key</h3>
          <div className="secret">
            <code>{webhook.public_key}</code>
            <CopyButton value={webhook.public_key} label="Copy public key" />
          </div>
          <p className="muted">
            Receivers verify the Ed25519 (v1a) signatures with this public key. It is not a secret:
            it stays on the webhook's page.
          </p>
          <h3>Signing key</h3>
          <div className="secret">
            <code>{webhook.secret}</code>
            <CopyButton value={webhook.secret} label="Copy secret" />
          </div>
          <p className="notice notice-info">
            hookd signs with this key; receivers never need it. Keep a copy only if you will sign
            elsewhere too: it won't be shown in full here again (the webhook's page can reveal it).
          </p>
        </>
      ) : (
        <>
          <h3>Signing secret</h3>
          <div className="secret">
            <code>{webhook.secret}</code>
            <CopyButton value={webhook.secret} label="Copy secret" />
          </div>
          <p className="notice notice-info">
            Copy the secret now: it won't be shown in full here again. Your receiver needs it to verify
            signatures. You can reveal it later on the webhook's page.
          </p>
        </>
      )}
      <h3>Ping</h3>
      <PingResult pingEventId={webhook.ping_event_id} />
      <div className="form-actions">
        <Link className="button button-primary" to={`/webhooks/${webhook.id}`}>
          Open webhook
        </Link>
        <Link className="button" to="/webhooks/new" onClick={onAddAnother}>
          Add another
        </Link>
      </div>
    </section>
  );
}

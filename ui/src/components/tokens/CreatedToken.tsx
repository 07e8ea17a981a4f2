// A token just made: the only time it is shown, with the portal link that signs its customer in.
import { useEffect, useRef } from "react";
import type { Schemas } from "../../api/client";
import { CopyButton } from "../CopyButton";

export function CreatedToken({ token, onDismiss }: { token: Schemas["TokenCreated"]; onDismiss: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [token.id]);
  const portalLink = `${window.location.origin}/#token=${token.token}`;
  return (
    <section className="card created-token" aria-label="Token created">
      <h2 ref={heading} tabIndex={-1}>
        Token for {token.name} ({token.tenant})
      </h2>
      <p className="notice notice-info">
        This is the only time the token is shown: hookd keeps only its hash. Copy it now.
      </p>
      <p className="created-token-label">Token</p>
      <div className="secret">
        <code>{token.token}</code>
        <CopyButton value={token.token} label="Copy token" />
      </div>
      <p className="created-token-label">Portal link</p>
      <div className="secret">
        <code>{portalLink}</code>
        <CopyButton value={portalLink} label="Copy portal link" />
      </div>
      <p className="hint">
        The portal link signs the customer straight into their tenant's portal, where they see only{" "}
        {token.tenant}'s webhooks, events and deliveries. Send it privately: it holds the token.
      </p>
      <div className="form-actions">
        <button type="button" className="button button-small" onClick={onDismiss}>
          Done
        </button>
      </div>
    </section>
  );
}

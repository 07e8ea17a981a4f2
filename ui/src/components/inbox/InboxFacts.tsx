// What an inbox is set to: its URL (to copy), how it verifies, what its requests become.
import type { Schemas } from "../../api/client";
import { CopyButton } from "../CopyButton";
import { schemeLabel } from "../inbox-form/schemes";
import { absoluteUrl } from "../playground/usePlayground";

export function InboxFacts({ inbox }: { inbox: Schemas["InboxOut"] }) {
  const url = absoluteUrl(inbox.receive_url);
  return (
    <section className="card" aria-label="Inbox settings">
      <div className="copy-row">
        <code aria-label="Receive URL">{url}</code>
        <CopyButton value={url} label="Copy URL" />
      </div>
      <dl className="facts">
        <dt>Verification</dt>
        <dd>
          {schemeLabel(inbox.verify.scheme)}
          {inbox.verify.header && <span className="mono"> · {inbox.verify.header}</span>}
        </dd>
        <dt>Event type</dt>
        <dd className="mono">{inbox.event_type}</dd>
        <dt>De-duplication</dt>
        <dd>
          <span className="mono">{inbox.dedupe.key}</span> for {inbox.dedupe.window}
        </dd>
        <dt>Allowed IPs</dt>
        <dd className="mono">{inbox.allowed_ips.length ? inbox.allowed_ips.join(", ") : "any source"}</dd>
        <dt>Rate limit</dt>
        <dd>{inbox.rate_limit ? `${inbox.rate_limit} requests per second` : "none"}</dd>
        <dt>Answers</dt>
        <dd>
          {inbox.response.status ?? 200}
          {inbox.response.body ? <span className="mono"> {inbox.response.body}</span> : " with the request's id"}
        </dd>
        <dt>Tenant</dt>
        <dd>{inbox.tenant}</dd>
        {inbox.expires_at && (
          <>
            <dt>Expires</dt>
            <dd>{new Date(inbox.expires_at).toLocaleString()}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

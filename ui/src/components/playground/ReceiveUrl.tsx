// Where to send requests: the playground's URL and a ready curl command, each with a copy
// button, and when it expires.
import { CopyButton } from "../CopyButton";

export function curlCommand(url: string): string {
  return `curl -X POST '${url}' -H 'content-type: application/json' -d '{"hello": "world"}'`;
}

/** How long until `iso`, in hours and minutes: "in 23 h 59 min", or "now". */
export function timeLeft(iso: string, now = Date.now()): string {
  const minutes = Math.floor((Date.parse(iso) - now) / 60_000);
  if (minutes <= 0) return "now";
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `in ${hours} h ${minutes % 60} min` : `in ${minutes} min`;
}

export function ReceiveUrl({ url, expiresAt }: { url: string; expiresAt?: string | null }) {
  const curl = curlCommand(url);
  return (
    <section className="card" aria-label="Receive URL">
      <h2>Send requests here</h2>
      <div className="copy-row">
        <code aria-label="Receive URL">{url}</code>
        <CopyButton value={url} label="Copy URL" />
      </div>
      <div className="copy-row">
        <code aria-label="curl command">{curl}</code>
        <CopyButton value={curl} label="Copy curl command" />
      </div>
      <p className="hint">
        This playground checks Standard Webhooks signatures with its test webhook's secret. Anything else sent here
        is kept and shown too, marked not verified (and answered 401).
        {expiresAt && (
          <>
            {" "}
            It expires{" "}
            <time dateTime={expiresAt} title={new Date(expiresAt).toLocaleString()}>
              {timeLeft(expiresAt)}
            </time>{" "}
            (playgrounds last 24 hours), and its requests go with it.
          </>
        )}
      </p>
    </section>
  );
}

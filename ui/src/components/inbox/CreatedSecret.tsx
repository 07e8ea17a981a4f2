// A secret shown once (an inbox's, after it was made or replaced), with a copy button.
import { CopyButton } from "../CopyButton";

export function CreatedSecret({ secret, title }: { secret: string; title: string }) {
  return (
    <section className="notice notice-good created-secret" aria-label={title}>
      <div>
        <p>
          <strong>{title}.</strong> Copy the secret now: hookd will not show it again.
        </p>
        <div className="copy-row">
          <code className="secret">{secret}</code>
          <CopyButton value={secret} label="Copy secret" />
        </div>
      </div>
    </section>
  );
}

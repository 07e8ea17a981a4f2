// An API or network error, in words, with an optional way to try again.
import { describeError } from "../api/errors";

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{describeError(error)}</span>
      {onRetry && (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

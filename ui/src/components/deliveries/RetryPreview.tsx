// What "Retry all matching" shows: the dry run's count and its oldest deliveries, how they will
// be paced, a button that retries them and one that thinks better of it; then what was done.
import { ApiError } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { LiveStatus } from "../webhook/LiveStatus";
import { RetrySample } from "../delivery/RetrySample";
import { lastAttemptDue } from "../delivery/dueAt";
import type { RetryMatching } from "./useRetryMatching";

const plural = (n: number) => `${n} failed ${n === 1 ? "delivery" : "deliveries"}`;

export function RetryPreview({
  retry,
  fieldsShown,
}: {
  retry: RetryMatching;
  /** Fields whose errors the filters show themselves (not repeated here). */
  fieldsShown: string[];
}) {
  const { preview, run } = retry;
  const error = preview.error ?? run.error;
  const atFields =
    error instanceof ApiError && error.fields.length > 0 && error.fields.every((f) => fieldsShown.includes(f.field));
  const matched = preview.data?.matched;
  const counted = preview.data && !run.data;
  const done = run.data;

  return (
    <div className="retry-matching">
      {!atFields && <ErrorNotice error={error} />}
      <LiveStatus tone="info">
        {preview.isPending
          ? "Counting the failed deliveries that match…"
          : counted && matched !== undefined
            ? matched === 0
              ? "No failed deliveries match these filters: nothing to retry."
              : `${plural(matched)} ${matched === 1 ? "matches" : "match"}.`
            : null}
      </LiveStatus>
      {counted && matched !== undefined && matched > 0 && (
        <section className="retry-preview" aria-label="Retry all matching">
          <p className="hint">
            Each is sent once more, oldest first, paced: at most 10 a second per webhook (fewer when
            its rate limit is lower).
            {preview.data.sample.length < matched && ` The oldest ${preview.data.sample.length}:`}
          </p>
          <RetrySample sample={preview.data.sample} />
          <div className="form-actions">
            <button type="button" className="button button-primary" onClick={retry.confirm} disabled={run.isPending}>
              {run.isPending ? "Retrying…" : `Retry ${plural(matched)}`}
            </button>
            <button type="button" className="button" onClick={retry.close} disabled={run.isPending}>
              Cancel
            </button>
          </div>
        </section>
      )}
      <LiveStatus tone={done?.requeued === 0 ? "info" : "good"}>
        {done &&
          (done.requeued === 0
            ? "0 re-queued: none of them was failed any more."
            : `${done.requeued} re-queued${done.last_attempt_due_at ? `; ${lastAttemptDue(done.last_attempt_due_at)}` : ""}.`)}
      </LiveStatus>
    </div>
  );
}

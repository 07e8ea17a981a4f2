// The delivery page's retry. A delivery that has not succeeded (failed, or pending its next
// attempt) gets "Retry delivery"; one that succeeded gets "Send again", which asks first and
// says it was delivered; a cancelled one (its webhook was deleted) gets none.
import { useState } from "react";
import type { Schemas } from "../../api/client";
import { ConfirmDialog } from "../ConfirmDialog";

export function RetryDeliveryButton({
  delivery,
  busy,
  onRetry,
}: {
  delivery: Pick<Schemas["DeliveryOut"], "status">;
  busy: boolean;
  onRetry: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (delivery.status === "failed" || delivery.status === "pending") {
    return (
      <button type="button" className="button button-primary" disabled={busy} onClick={onRetry}>
        {busy ? "Retrying…" : "Retry delivery"}
      </button>
    );
  }
  if (delivery.status !== "succeeded") return null;
  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => setAsking(true)}>
        {busy ? "Sending…" : "Send again"}
      </button>
      {asking && (
        <ConfirmDialog
          title="Send again"
          message={
            "This delivery succeeded: the receiver already accepted it. Sending it again makes one more " +
            "attempt with the same webhook-id, which receivers that drop repeats will ignore."
          }
          confirmLabel="Send again"
          busy={busy}
          onConfirm={() => {
            setAsking(false);
            onRetry();
          }}
          onCancel={() => setAsking(false)}
        />
      )}
    </>
  );
}

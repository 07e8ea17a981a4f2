// Coloured labels for delivery and attempt statuses and for a webhook's state.

const TONES: Record<string, string> = {
  succeeded: "good",
  active: "good",
  pending: "wait",
  failed: "bad",
  disabled: "bad",
  cancelled: "muted",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${TONES[status] ?? "muted"}`}>{label ?? status}</span>;
}

const DISABLED_REASONS: Record<string, string> = {
  manual: "disabled by hand",
  failing: "disabled: kept failing",
  gone: "disabled: receiver answered 410 Gone",
};

/** A webhook's state in words: active, or disabled and why. */
export function WebhookState({
  active,
  reason,
}: {
  active: boolean;
  reason?: string | null;
}) {
  if (active) return <StatusBadge status="active" />;
  return <StatusBadge status="disabled" label={DISABLED_REASONS[reason ?? ""] ?? "disabled"} />;
}

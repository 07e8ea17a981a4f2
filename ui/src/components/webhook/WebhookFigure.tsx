// One figure of a webhook's statistics, as a term and its value, with a short hint saying what
// it counts.
export function WebhookFigure({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <div className="webhook-figure">
      <dt>{label}</dt>
      <dd>
        <span className="webhook-figure-value">{value}</span>
        {hint && <span className="webhook-figure-hint">{hint}</span>}
      </dd>
    </div>
  );
}

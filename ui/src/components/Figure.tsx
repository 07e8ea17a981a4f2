// One headline figure of the dashboard: a label, the value (named by the label, so tests and
// screen readers find it), and a short hint saying what it counts.
import { useId } from "react";

export function Figure({
  label,
  value,
  hint,
}: {
  label: string;
  value: string | number | null | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" aria-label={label} aria-describedby={hint ? id : undefined}>
        {value ?? "—"}
      </div>
      {hint && (
        <div className="stat-hint" id={id}>
          {hint}
        </div>
      )}
    </div>
  );
}

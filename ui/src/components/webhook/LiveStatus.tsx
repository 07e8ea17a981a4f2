// A live region (role=status) that is always in the page, so that what appears in it later is
// announced; empty until there is something to say.
import type { ReactNode } from "react";

export function LiveStatus({
  children,
  tone = "good",
  label,
}: {
  children?: ReactNode;
  tone?: "good" | "info" | "error";
  label?: string;
}) {
  return (
    <div role="status" aria-live="polite" aria-label={label} className="live-status">
      {children ? <div className={`notice notice-${tone}`}>{children}</div> : null}
    </div>
  );
}

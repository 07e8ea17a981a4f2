// A timestamp shown as "3 min ago", with the exact time on hover and for assistive tech.

export function relativeTime(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const [value, unit] =
    s < 45
      ? [s, "s"]
      : s < 3600
        ? [Math.round(s / 60), "min"]
        : s < 86400
          ? [Math.round(s / 3600), "h"]
          : [Math.round(s / 86400), "d"];
  if (unit === "s" && s < 5) return "just now";
  return future ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  const exact = new Date(iso).toLocaleString();
  return (
    <time dateTime={iso} title={exact}>
      {relativeTime(iso)}
    </time>
  );
}

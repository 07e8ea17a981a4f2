// Number formats shared by figures, tables and charts.

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "—";
  const percent = ratio * 100;
  return `${percent >= 99.95 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/**
 * A duration. hookd measures attempts in whole milliseconds, so durations are shown as whole
 * milliseconds ("28 ms"; "<1 ms" below half a millisecond, for a 0 or a fractional average or
 * percentile), and in seconds with one decimal from 10 s ("12.3 s").
 */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  const whole = Math.round(ms);
  if (whole >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (whole < 1) return "<1 ms";
  return `${whole} ms`;
}

/** A size in bytes: "812 B", "4.2 KB", "1.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

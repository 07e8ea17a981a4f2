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

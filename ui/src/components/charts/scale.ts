// Shared geometry for the SVG charts.

export const CHART = { width: 640, height: 200, top: 12, right: 12, bottom: 26, left: 52 };

export function formatBucketTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** About six evenly spaced time labels along the x axis. */
export function axisTimes(starts: string[], slot: number): { x: number; label: string }[] {
  if (starts.length === 0) return [];
  const every = Math.max(1, Math.ceil(starts.length / 6));
  return starts
    .map((start, i) => ({ i, start }))
    .filter(({ i }) => i % every === 0)
    .map(({ i, start }) => ({ x: CHART.left + i * slot + slot / 2, label: formatBucketTime(start) }));
}

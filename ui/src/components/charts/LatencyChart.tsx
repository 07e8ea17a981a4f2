// Average attempt latency per time bucket as a line; gaps where nothing was attempted.
import { formatMs } from "../format";
import { axisTimes, CHART, formatBucketTime } from "./scale";

export interface LatencyPoint {
  start: string;
  average_latency_ms?: number | null;
}

export function LatencyChart({ points, title }: { points: LatencyPoint[]; title: string }) {
  const values = points.map((p) => p.average_latency_ms ?? null);
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(1, ...known);
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = plotWidth / Math.max(1, points.length);
  const x = (i: number) => CHART.left + i * slot + slot / 2;
  const y = (v: number) => CHART.height - CHART.bottom - (v / max) * plotHeight;
  // One path segment per run of buckets that have a value.
  let path = "";
  values.forEach((v, i) => {
    if (v === null) return;
    path += `${i > 0 && values[i - 1] !== null ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
  });
  const summary =
    known.length === 0
      ? "no attempts in this window"
      : `average from ${formatMs(Math.min(...known))} to ${formatMs(Math.max(...known))}`;
  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`${title}: ${summary}`}>
        <line x1={CHART.left} x2={CHART.width - CHART.right} y1={CHART.height - CHART.bottom} y2={CHART.height - CHART.bottom} stroke="#d0d5dd" />
        <text x={CHART.left - 6} y={CHART.top + 4} textAnchor="end">{formatMs(max)}</text>
        <text x={CHART.left - 6} y={CHART.height - CHART.bottom} textAnchor="end">0</text>
        <path d={path} fill="none" stroke="#4f46e5" strokeWidth={2} strokeLinejoin="round" />
        {values.map((v, i) =>
          v === null ? null : (
            <circle key={points[i].start} cx={x(i)} cy={y(v)} r={2.5} fill="#4f46e5">
              <title>{`${formatBucketTime(points[i].start)}: ${formatMs(v)}`}</title>
            </circle>
          ),
        )}
        {axisTimes(points.map((p) => p.start), slot).map(({ x: at, label }) => (
          <text key={at} x={at} y={CHART.height - 6} textAnchor="middle">{label}</text>
        ))}
      </svg>
      <figcaption className="legend">
        <span><span className="swatch" style={{ background: "#4f46e5" }} />average latency</span>
      </figcaption>
    </figure>
  );
}

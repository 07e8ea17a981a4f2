// Attempts per time bucket as stacked bars: succeeded (green) under failed (red).
import { axisTimes, CHART, formatBucketTime } from "./scale";

export interface DeliveryBucket {
  start: string;
  succeeded: number;
  failed: number;
}

export function DeliveryChart({
  buckets,
  bucketSeconds,
  title,
}: {
  buckets: DeliveryBucket[];
  bucketSeconds: number;
  title: string;
}) {
  const max = Math.max(1, ...buckets.map((b) => b.succeeded + b.failed));
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const slot = plotWidth / Math.max(1, buckets.length);
  const bar = Math.max(1, slot * 0.75);
  const y = (value: number) => (value / max) * plotHeight;
  const succeeded = buckets.reduce((sum, b) => sum + b.succeeded, 0);
  const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
  const per = bucketSeconds >= 3600 ? `${bucketSeconds / 3600} h` : `${bucketSeconds / 60} min`;
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${CHART.width} ${CHART.height}`}
        role="img"
        aria-label={`${title}: ${succeeded} succeeded and ${failed} failed, per ${per}`}
      >
        <line x1={CHART.left} x2={CHART.width - CHART.right} y1={CHART.height - CHART.bottom} y2={CHART.height - CHART.bottom} stroke="#d0d5dd" />
        <text x={CHART.left - 6} y={CHART.top + 4} textAnchor="end">{max}</text>
        <text x={CHART.left - 6} y={CHART.height - CHART.bottom} textAnchor="end">0</text>
        {buckets.map((b, i) => {
          const x = CHART.left + i * slot + (slot - bar) / 2;
          const okHeight = y(b.succeeded);
          const badHeight = y(b.failed);
          const base = CHART.height - CHART.bottom;
          return (
            <g key={b.start}>
              <title>{`${formatBucketTime(b.start)}: ${b.succeeded} succeeded, ${b.failed} failed`}</title>
              <rect x={x} y={base - okHeight} width={bar} height={okHeight} fill="#22c55e" />
              <rect x={x} y={base - okHeight - badHeight} width={bar} height={badHeight} fill="#ef4444" />
            </g>
          );
        })}
        {axisTimes(buckets.map((b) => b.start), slot).map(({ x, label }) => (
          <text key={x} x={x} y={CHART.height - 6} textAnchor="middle">{label}</text>
        ))}
      </svg>
      <figcaption className="legend">
        <span><span className="swatch" style={{ background: "#22c55e" }} />succeeded</span>
        <span><span className="swatch" style={{ background: "#ef4444" }} />failed</span>
        <span>per {per}</span>
      </figcaption>
    </figure>
  );
}

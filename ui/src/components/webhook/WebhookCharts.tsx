// How one webhook's deliveries went over a chosen window: attempts and latency as charts, with
// the success rate and latency percentiles. Refreshes on its own.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { DeliveryChart } from "../charts/DeliveryChart";
import { LatencyChart } from "../charts/LatencyChart";
import { formatMs, formatPercent } from "../format";
import { webhookStatsKey } from "./queryKeys";

const WINDOWS: [string, string][] = [
  ["1h", "last hour"],
  ["6h", "last 6 hours"],
  ["24h", "last 24 hours"],
  ["7d", "last 7 days"],
];
const LIVE_MS = 5_000;

export function WebhookCharts({ webhookId }: { webhookId: string }) {
  const [window, setWindow] = useState("24h");
  const stats = useQuery({
    queryKey: webhookStatsKey(webhookId, window),
    queryFn: () =>
      call(api.GET("/api/webhooks/{id}/stats", { params: { path: { id: webhookId }, query: { window } } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
  const data = stats.data;
  return (
    <section className="card" aria-labelledby="webhook-charts">
      <div className="card-header">
        <h2 id="webhook-charts">Deliveries over time</h2>
        <label className="inline-select">
          <span>Window</span>
          <select value={window} onChange={(e) => setWindow(e.target.value)}>
            {WINDOWS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNotice error={stats.error} onRetry={() => stats.refetch()} />
      {data ? (
        <>
          <dl className="webhook-figures">
            <Figure label="Attempts" value={data.attempts} />
            <Figure label="Success rate" value={formatPercent(data.success_rate)} />
            <Figure label="p50 latency" value={formatMs(data.latency_ms.p50)} />
            <Figure label="p95 latency" value={formatMs(data.latency_ms.p95)} />
            <Figure label="p99 latency" value={formatMs(data.latency_ms.p99)} />
          </dl>
          <div className="grid-2">
            <DeliveryChart title="Attempts over time" buckets={data.buckets} bucketSeconds={data.bucket_seconds} />
            <LatencyChart title="Average latency over time" points={data.buckets} />
          </div>
        </>
      ) : (
        !stats.error && <Loading label="Loading charts" />
      )}
    </section>
  );
}

function Figure({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="webhook-figure">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

// The overview: how deliveries are going, in figures and charts, and which webhooks need a look.
import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { WebhookState } from "../components/StatusBadge";
import { DeliveryChart } from "../components/charts/DeliveryChart";
import { LatencyChart } from "../components/charts/LatencyChart";
import { formatPercent, formatMs } from "../components/format";

const WINDOWS = ["1h", "6h", "24h", "7d"];
const LIVE_MS = 5_000;

export function Dashboard() {
  const [window, setWindow] = useState("6h");
  const metrics = useQuery({
    queryKey: ["metrics"],
    queryFn: () => call(api.GET("/api/webhooks/metrics")),
    refetchInterval: LIVE_MS,
  });
  const stats = useQuery({
    queryKey: ["stats", window],
    queryFn: () => call(api.GET("/api/stats", { params: { query: { window } } })),
    refetchInterval: LIVE_MS,
  });
  const webhooks = useQuery({
    queryKey: ["webhooks", "attention"],
    queryFn: () => call(api.GET("/api/webhooks", { params: { query: { limit: 250 } } })),
    refetchInterval: LIVE_MS,
  });
  const attention = (webhooks.data?.data ?? []).filter((w) => !w.active || w.failure_streak > 0);

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle="Deliveries across every webhook you can see. Updates on its own."
        actions={
          <label className="inline-select">
            <span>Window</span>
            <select value={window} onChange={(e) => setWindow(e.target.value)}>
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  last {w}
                </option>
              ))}
            </select>
          </label>
        }
      />
      <ErrorNotice error={metrics.error} onRetry={() => metrics.refetch()} />
      <section className="grid" aria-label="Figures">
        <Figure label="Success rate" value={formatPercent(metrics.data?.success_rate)} />
        <Figure label="Pending" value={metrics.data?.pending} />
        <Figure label="Delivered" value={metrics.data?.delivered} />
        <Figure label="Failed" value={metrics.data?.failed} />
        <Figure label="Average latency" value={formatMs(metrics.data?.average_latency_ms)} />
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="chart-deliveries">
          <h2 id="chart-deliveries">Attempts</h2>
          <ErrorNotice error={stats.error} onRetry={() => stats.refetch()} />
          {stats.data ? (
            <DeliveryChart
              title="Attempts over time"
              buckets={stats.data.buckets}
              bucketSeconds={stats.data.bucket_seconds}
            />
          ) : (
            !stats.error && <Loading label="Loading chart" />
          )}
        </section>
        <section className="card" aria-labelledby="chart-latency">
          <h2 id="chart-latency">Latency</h2>
          {stats.data ? (
            <>
              <LatencyChart title="Average latency over time" points={stats.data.buckets} />
              <p className="muted">
                p50 {formatMs(stats.data.latency_ms.p50)} · p95 {formatMs(stats.data.latency_ms.p95)} · p99{" "}
                {formatMs(stats.data.latency_ms.p99)}
              </p>
            </>
          ) : (
            !stats.error && <Loading label="Loading chart" />
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="attention">
        <div className="card-header">
          <h2 id="attention">Webhooks that need attention</h2>
          <Link to="/webhooks">All webhooks</Link>
        </div>
        <ErrorNotice error={webhooks.error} onRetry={() => webhooks.refetch()} />
        {webhooks.isPending ? (
          <Loading label="Loading webhooks" />
        ) : attention.length === 0 ? (
          <EmptyState title="Nothing is failing or disabled.">
            {webhooks.data?.data.length === 0 ? (
              <>
                No webhooks yet. <Link to="/webhooks/new">Add the first one</Link>.
              </>
            ) : (
              "Every webhook is active and its last delivery succeeded."
            )}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">State</th>
                  <th scope="col">Failures in a row</th>
                </tr>
              </thead>
              <tbody>
                {attention.map((w) => (
                  <tr key={w.id}>
                    <td className="url">
                      <Link to={`/webhooks/${w.id}`}>{w.url}</Link>
                    </td>
                    <td>
                      <WebhookState active={w.active} reason={w.disabled_reason} />
                    </td>
                    <td>{w.failure_streak}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function Figure({ label, value }: { label: string; value: string | number | null | undefined }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" aria-label={label}>
        {value ?? "—"}
      </div>
    </div>
  );
}

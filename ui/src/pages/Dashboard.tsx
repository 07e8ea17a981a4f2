// The overview: how deliveries are going, in figures and charts, and which webhooks need a look.
import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { METRICS_KEY, statsKey, WEBHOOKS_NEEDING_ATTENTION_KEY } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { WebhookState } from "../components/StatusBadge";
import { DeliveryChart } from "../components/charts/DeliveryChart";
import { LatencyChart } from "../components/charts/LatencyChart";
import { Figure } from "../components/Figure";
import { formatPercent, formatMs } from "../components/format";
import { DEFAULT_WINDOW, windowWords } from "../components/timeWindows";
import { WindowSelect } from "../components/WindowSelect";

const LIVE_MS = 5_000;

export function Dashboard() {
  const [window, setWindow] = useState(DEFAULT_WINDOW);
  const metrics = useQuery({
    queryKey: METRICS_KEY,
    queryFn: () => call(api.GET("/api/webhooks/metrics")),
    refetchInterval: LIVE_MS,
  });
  const stats = useQuery({
    queryKey: statsKey(window),
    queryFn: () => call(api.GET("/api/stats", { params: { query: { window } } })),
    refetchInterval: LIVE_MS,
  });
  const webhooks = useQuery({
    queryKey: WEBHOOKS_NEEDING_ATTENTION_KEY,
    queryFn: () => call(api.GET("/api/webhooks", { params: { query: { limit: 250 } } })),
    refetchInterval: LIVE_MS,
  });
  const attention = (webhooks.data?.data ?? []).filter((w) => !w.active || w.failure_streak > 0);

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle="Deliveries across every webhook you can see. Updates on its own."
        actions={<WindowSelect value={window} onChange={setWindow} />}
      />
      <ErrorNotice error={metrics.error} onRetry={() => metrics.refetch()} />
      {/* Deliveries are counted over all that are kept; attempts over the window. */}
      <section className="grid figures" aria-label="Figures">
        <Figure
          label="Delivery success"
          value={formatPercent(metrics.data?.delivery_success_rate)}
          hint="of all finished deliveries"
        />
        <Figure
          label="Attempt success"
          value={formatPercent(stats.data?.attempt_success_rate)}
          hint={`of attempts, ${windowWords(window)}`}
        />
        <Figure label="Pending" value={metrics.data?.pending} hint="deliveries not finished yet" />
        <Figure label="Delivered" value={metrics.data?.delivered} hint="deliveries that succeeded" />
        <Figure label="Failed" value={metrics.data?.failed} hint="deliveries whose retries ran out" />
        <Figure
          label="Average latency"
          value={formatMs(stats.data?.latency_ms.average)}
          hint={`per attempt, ${windowWords(window)}`}
        />
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
                  <th scope="col">Failed deliveries in a row</th>
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

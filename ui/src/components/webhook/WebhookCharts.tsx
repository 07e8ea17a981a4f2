// How one webhook's deliveries went over a chosen window: attempts and latency as charts, with
// the attempt success rate and latency percentiles. Refreshes on its own.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { webhookStatsKey } from "../../api/queryKeys";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { DeliveryChart } from "../charts/DeliveryChart";
import { LatencyChart } from "../charts/LatencyChart";
import { formatMs, formatPercent } from "../format";
import { DEFAULT_WINDOW, windowWords } from "../timeWindows";
import { WindowSelect } from "../WindowSelect";
import { WebhookFigure } from "./WebhookFigure";

const LIVE_MS = 5_000;

export function WebhookCharts({ webhookId }: { webhookId: string }) {
  const [window, setWindow] = useState(DEFAULT_WINDOW);
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
        <WindowSelect value={window} onChange={setWindow} />
      </div>
      <ErrorNotice error={stats.error} onRetry={() => stats.refetch()} />
      {data ? (
        <>
          <dl className="webhook-figures">
            <WebhookFigure label="Attempts" value={data.attempts} hint={windowWords(window)} />
            <WebhookFigure
              label="Attempt success"
              value={formatPercent(data.attempt_success_rate)}
              hint={`of attempts, ${windowWords(window)}`}
            />
            <WebhookFigure label="p50 latency" value={formatMs(data.latency_ms.p50)} />
            <WebhookFigure label="p95 latency" value={formatMs(data.latency_ms.p95)} />
            <WebhookFigure label="p99 latency" value={formatMs(data.latency_ms.p99)} />
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

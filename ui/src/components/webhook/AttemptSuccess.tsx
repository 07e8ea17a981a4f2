// One webhook's attempt success rate over the last 24 hours, for a cell of the webhooks table.
// Each row asks on its own, so the table never waits for the statistics.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { webhookStatsKey } from "../../api/queryKeys";
import { formatPercent } from "../format";

const WINDOW = "24h";

export function AttemptSuccess({ webhookId }: { webhookId: string }) {
  const stats = useQuery({
    queryKey: webhookStatsKey(webhookId, WINDOW),
    queryFn: () =>
      call(api.GET("/api/webhooks/{id}/stats", { params: { path: { id: webhookId }, query: { window: WINDOW } } })),
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
  if (stats.isPending) return <span className="muted" aria-label="Attempt success loading">…</span>;
  if (stats.error) return <span className="muted" title="The statistics could not be loaded.">—</span>;
  const { attempts, succeeded, attempt_success_rate: rate } = stats.data;
  const title =
    attempts === 0 ? "No attempts in the last 24 h" : `${succeeded} of ${attempts} attempts succeeded in the last 24 h`;
  const tone = rate == null ? "" : rate >= 0.99 ? "rate-good" : rate >= 0.9 ? "rate-fair" : "rate-bad";
  return (
    <span className={`success-rate ${tone}`} title={title}>
      {formatPercent(rate)}
    </span>
  );
}

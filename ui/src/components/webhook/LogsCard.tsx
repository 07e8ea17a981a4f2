// A webhook's delivery attempts, newest first and refreshing on their own, with filters, paging
// and a retry for deliveries that have not succeeded.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { webhookLogsKey } from "../../api/queryKeys";
import { EmptyState } from "../EmptyState";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { Pager, useCursorPages } from "../Pager";
import { useRetryDelivery } from "../delivery/useRetryDelivery";
import { LiveStatus } from "./LiveStatus";
import { LogFilters, NO_LOG_FILTERS, type LogFilterValues } from "./LogFilters";
import { LogsTable } from "./LogsTable";
import { localInputToIso } from "./localTime";
import { useRestOfPageFollows } from "./useRestOfPageFollows";

const LIVE_MS = 3_000;
const PAGE_SIZE = 50;

export function LogsCard({ webhookId }: { webhookId: string }) {
  const [filters, setFilters] = useState<LogFilterValues>(NO_LOG_FILTERS);
  const pages = useCursorPages();
  const query = {
    status: filters.status || undefined,
    event: filters.eventType.trim() || undefined,
    since: localInputToIso(filters.since),
    until: localInputToIso(filters.until),
    cursor: pages.cursor,
    limit: PAGE_SIZE,
  };
  const logs = useQuery({
    queryKey: webhookLogsKey(webhookId, query),
    queryFn: () =>
      call(api.GET("/api/webhooks/{id}/logs", { params: { path: { id: webhookId }, query } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
  const retry = useRetryDelivery();
  const filtered = Object.values(filters).some(Boolean);
  useRestOfPageFollows(webhookId, logs.data?.data[0]?.id);

  function changeFilters(next: LogFilterValues) {
    setFilters(next);
    pages.reset();
  }

  function retryAttempt(attempt: Schemas["AttemptOut"]) {
    retry.mutate({ deliveryId: attempt.delivery_id, webhookId, eventType: attempt.event_type });
  }

  const attempts = logs.data?.data ?? [];
  return (
    <section className="card" aria-labelledby="webhook-logs">
      <div className="card-header">
        <h2 id="webhook-logs">Delivery attempts</h2>
        <span className="muted live-note">Updates every few seconds</span>
      </div>
      <LogFilters values={filters} onChange={changeFilters} />
      <LiveStatus>
        {retry.isSuccess &&
          `Retry queued: a new attempt of ${retry.variables.eventType} is on its way.`}
      </LiveStatus>
      <ErrorNotice error={retry.error} />
      <ErrorNotice error={logs.error} onRetry={() => logs.refetch()} />
      {logs.isPending ? (
        <Loading label="Loading attempts" />
      ) : attempts.length === 0 ? (
        !logs.error &&
        (filtered ? (
          <EmptyState title="No attempts match these filters.">
            Widen the time range, or clear the filters to see every attempt.
          </EmptyState>
        ) : (
          <EmptyState title="No delivery attempts yet.">
            Nothing has been sent to this webhook so far. Use “Send test” above to send it a
            webhook.ping, or publish an event it subscribes to.
          </EmptyState>
        ))
      ) : (
        <>
          <LogsTable
            attempts={attempts}
            retryingDeliveryId={retry.isPending ? retry.variables?.deliveryId : undefined}
            onRetry={retryAttempt}
          />
          <Pager
            page={pages.page}
            nextCursor={logs.data?.next_cursor}
            onOlder={pages.older}
            onNewer={pages.newer}
          />
        </>
      )}
    </section>
  );
}

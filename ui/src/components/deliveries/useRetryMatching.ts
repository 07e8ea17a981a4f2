// "Retry all matching" in two steps: a dry run that counts the failed deliveries the filters
// match and shows the oldest few, then the real retry of exactly those filters (the ones the
// person saw counted, even if the filters changed meanwhile, which also drops the count).
import { useEffect } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { DELIVERIES_KEY, DELIVERY_KEY, EVENTS_KEY, METRICS_KEY, WEBHOOK_PAGES_KEY } from "../../api/queryKeys";

/** What a bulk retry takes: only failed deliveries are retried in bulk, so no status. */
export type RetryFilters = Omit<Schemas["BulkRetryIn"], "status" | "dry_run">;

function retryFailed(filters: RetryFilters, dryRun: boolean) {
  return call(api.POST("/api/deliveries/retry", { body: { ...filters, status: "failed", dry_run: dryRun } }));
}

/** `offered`: whether the page offers the retry now (its status filter is `failed`). */
export function useRetryMatching(filters: RetryFilters, offered: boolean) {
  const queryClient = useQueryClient();
  const preview = useMutation({ mutationFn: (matching: RetryFilters) => retryFailed(matching, true) });
  const run = useMutation({
    mutationFn: (matching: RetryFilters) => retryFailed(matching, false),
    onSuccess: () => {
      // Re-queued deliveries reach across webhooks: every view of them is refreshed.
      for (const queryKey of [DELIVERIES_KEY, DELIVERY_KEY, WEBHOOK_PAGES_KEY, METRICS_KEY, EVENTS_KEY]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
  const { reset: resetPreview } = preview;
  const { reset: resetRun } = run;
  const close = () => {
    resetPreview();
    resetRun();
  };
  // A count made for other filters would mislead: it goes when they change.
  const filterKey = JSON.stringify([filters, offered]);
  useEffect(() => {
    resetPreview();
    resetRun();
  }, [filterKey, resetPreview, resetRun]);

  return {
    preview,
    run,
    /** The dry run, for the current filters. */
    start: () => {
      resetRun();
      preview.mutate(filters);
    },
    /** The real retry, for the filters the dry run counted. */
    confirm: () => preview.variables && run.mutate(preview.variables),
    close,
  };
}

export type RetryMatching = ReturnType<typeof useRetryMatching>;

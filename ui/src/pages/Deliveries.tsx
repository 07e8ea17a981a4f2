// Failed deliveries (the dead-letter view): deliveries across every webhook the token can see,
// newest first, failed ones unless the filter says otherwise; and "Retry all matching", which
// counts first (a dry run) and retries on a second click. Updates on its own.
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { deliveryListKey, webhookListKey } from "../api/queryKeys";
import { fieldErrors } from "../api/errors";
import { useIsAdmin } from "../auth/session";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Pager, useCursorPages } from "../components/Pager";
import { useSettled } from "../components/useSettled";
import {
  DEFAULT_DELIVERY_FILTERS,
  DeliveryFilters,
  type DeliveryFilterValues,
  type DeliveryStatusFilter,
} from "../components/deliveries/DeliveryFilters";
import { DeliveriesTable } from "../components/deliveries/DeliveriesTable";
import { RetryPreview } from "../components/deliveries/RetryPreview";
import { useRetryMatching } from "../components/deliveries/useRetryMatching";
import { localInputToIso } from "../components/webhook/localTime";
import "../styles/events.css";
import "../styles/deliveries.css";

const LIVE_MS = 3_000;
const PAGE_SIZE = 50;
const STATUSES: DeliveryStatusFilter[] = ["", "failed", "pending", "succeeded", "cancelled"];
/** The API's names of the fields the filters show (their errors are shown there). */
const FILTER_FIELDS = ["status", "webhook", "event_type", "tenant", "since", "until"];

/** The filters a link may set: `/deliveries?webhook=wh_…&status=…`. */
function filtersFromLink(params: URLSearchParams): DeliveryFilterValues {
  const status = params.get("status") as DeliveryStatusFilter | null;
  return {
    ...DEFAULT_DELIVERY_FILTERS,
    status: status !== null && STATUSES.includes(status) ? status : DEFAULT_DELIVERY_FILTERS.status,
    webhook: params.get("webhook") ?? "",
    eventType: params.get("event_type") ?? "",
  };
}

export function Deliveries() {
  const admin = useIsAdmin();
  const [params] = useSearchParams();
  const [filters, setFilters] = useState<DeliveryFilterValues>(() => filtersFromLink(params));
  const webhook = useSettled(filters.webhook.trim());
  const eventType = useSettled(filters.eventType.trim());
  const tenant = useSettled(filters.tenant.trim());
  const since = localInputToIso(filters.since);
  const until = localInputToIso(filters.until);
  const pages = useCursorPages();
  const { reset } = pages;
  useEffect(() => reset(), [filters.status, webhook, eventType, tenant, since, until, reset]);

  const matching = {
    ...(webhook ? { webhook } : {}),
    ...(eventType ? { event_type: eventType } : {}),
    ...(admin && tenant ? { tenant } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  const query = {
    limit: PAGE_SIZE,
    ...(filters.status ? { status: filters.status } : {}),
    ...matching,
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const deliveries = useQuery({
    queryKey: deliveryListKey(query),
    queryFn: () => call(api.GET("/api/deliveries", { params: { query } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
  const webhooks = useQuery({
    queryKey: webhookListKey({ limit: 250 }),
    queryFn: () => call(api.GET("/api/webhooks", { params: { query: { limit: 250 } } })),
    staleTime: 60_000,
  });
  const failedOnly = filters.status === "failed";
  const retry = useRetryMatching(matching, failedOnly);

  const shown = deliveries.data?.data ?? [];
  const byDefault = failedOnly && !webhook && !eventType && !(admin && tenant) && !since && !until;
  const errors = fieldErrors(deliveries.error ?? retry.preview.error ?? retry.run.error);
  const listErrorAtFields = Object.keys(fieldErrors(deliveries.error)).every((f) => FILTER_FIELDS.includes(f));
  const tenantSuggestions = [...new Set(["default", ...shown.map((d) => d.tenant)])].sort();

  return (
    <>
      <PageHeader
        title="Failed deliveries"
        subtitle="Deliveries that ran out of retries, across every webhook, newest failure first. Retry them one by one from their page, or all that match at once. Updates on its own."
      />
      <section className="card" aria-labelledby="deliveries-list">
        <div className="card-header">
          <h2 id="deliveries-list">Deliveries</h2>
          {failedOnly && shown.length > 0 && (
            <button
              type="button"
              className="button"
              onClick={retry.start}
              disabled={retry.preview.isPending || retry.run.isPending}
            >
              Retry all matching
            </button>
          )}
        </div>
        <DeliveryFilters
          values={filters}
          showTenant={admin}
          webhooks={(webhooks.data?.data ?? []).map((w) => ({ id: w.id, url: w.url }))}
          tenantSuggestions={tenantSuggestions}
          errors={errors}
          onChange={setFilters}
        />
        {failedOnly && <RetryPreview retry={retry} fieldsShown={FILTER_FIELDS} />}
        {!(Object.keys(fieldErrors(deliveries.error)).length > 0 && listErrorAtFields) && (
          <ErrorNotice error={deliveries.error} onRetry={() => deliveries.refetch()} />
        )}
        {deliveries.isPending ? (
          <Loading label="Loading deliveries" />
        ) : deliveries.isError && !deliveries.data ? null : shown.length === 0 ? (
          byDefault ? (
            <EmptyState title="No failed deliveries.">
              Every delivery has succeeded or is still being tried. A delivery that runs out of
              retries shows up here, to be retried once its receiver is fixed.
            </EmptyState>
          ) : (
            <EmptyState title="No deliveries match these filters.">
              <button
                type="button"
                className="button button-small"
                onClick={() => setFilters(DEFAULT_DELIVERY_FILTERS)}
              >
                Reset filters
              </button>
            </EmptyState>
          )
        ) : (
          <>
            <DeliveriesTable deliveries={shown} showTenant={admin} />
            <Pager
              page={pages.page}
              nextCursor={deliveries.data?.next_cursor}
              onOlder={pages.older}
              onNewer={pages.newer}
            />
          </>
        )}
      </section>
    </>
  );
}

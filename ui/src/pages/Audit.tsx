// The audit log (the admin only): who changed what through the API, and when.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { auditKey } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Pager, useCursorPages } from "../components/Pager";
import { AuditFilters, type AuditFilterValues } from "../components/audit/AuditFilters";
import { AuditTable } from "../components/audit/AuditTable";
import "../styles/events.css";

const PAGE_SIZE = 50;

export function Audit() {
  const [filters, setFilters] = useState<AuditFilterValues>({ action: "", actor: "", tenant: "" });
  const pages = useCursorPages();
  const query = {
    limit: PAGE_SIZE,
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.tenant ? { tenant: filters.tenant } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const entries = useQuery({
    queryKey: auditKey(query),
    queryFn: () => call(api.GET("/api/audit", { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const list = entries.data?.data ?? [];
  const filtered = Boolean(filters.action || filters.actor || filters.tenant);

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change made through the API: who made it, from where, and when. Secrets and header values are never recorded."
      />
      <section className="card" aria-labelledby="audit-entries">
        <div className="card-header">
          <h2 id="audit-entries">Changes</h2>
        </div>
        <AuditFilters
          values={filters}
          onChange={(values) => {
            setFilters(values);
            pages.reset();
          }}
        />
        <ErrorNotice error={entries.error} onRetry={() => entries.refetch()} />
        {entries.isPending ? (
          <Loading label="Loading the audit log" />
        ) : entries.isError && !entries.data ? null : list.length === 0 ? (
          <EmptyState title={filtered ? "No change matches these filters." : "No changes yet."}>
            {filtered
              ? "Clear a filter to see more."
              : "Creating, changing or deleting webhooks, event types and tokens is recorded here."}
          </EmptyState>
        ) : (
          <>
            <AuditTable entries={list} />
            <Pager page={pages.page} nextCursor={entries.data?.next_cursor} onOlder={pages.older} onNewer={pages.newer} />
          </>
        )}
      </section>
    </>
  );
}

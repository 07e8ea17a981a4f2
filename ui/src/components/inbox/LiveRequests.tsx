// An inbox's requests as they arrive (the stream, no polling), with the one opened below.
import { useState, type ReactNode } from "react";
import { EmptyState } from "../EmptyState";
import { ErrorNotice } from "../ErrorNotice";
import { Loading } from "../Loading";
import { RequestDetail } from "./RequestDetail";
import { RequestsTable } from "./RequestsTable";
import { useInboxRequests, type RequestFilters } from "./useInboxRequests";

const STREAM_WORDS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

export function LiveRequests({
  inboxId,
  scheme,
  filters,
  toolbar,
  empty,
}: {
  inboxId: string;
  scheme?: string;
  filters?: RequestFilters;
  toolbar?: ReactNode;
  empty: ReactNode;
}) {
  const { requests, history, stream } = useInboxRequests(inboxId, filters);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <section className="card" aria-label="Requests">
        <div className="card-header">
          <h2>Requests</h2>
          <span className={`badge ${stream === "live" ? "badge-good" : "badge-wait"}`} aria-label="Stream">
            {STREAM_WORDS[stream]}
          </span>
        </div>
        {toolbar}
        <ErrorNotice error={history.error} onRetry={() => history.refetch()} />
        {history.isPending ? (
          <Loading label="Loading requests" />
        ) : requests.length === 0 ? (
          <EmptyState title="No requests yet.">{empty}</EmptyState>
        ) : (
          <RequestsTable
            requests={requests}
            scheme={scheme}
            selected={open}
            onOpen={(id) => setOpen((current) => (current === id ? null : id))}
          />
        )}
      </section>
      {open && <RequestDetail key={open} id={open} scheme={scheme} onClose={() => setOpen(null)} />}
    </>
  );
}

// One inbox: its URL and settings, its request history live (filtered by verification,
// duplicates and time), each request opened to its body, verification, event and deliveries;
// replaying a window after a dry run; a new secret; editing and deleting.
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { INBOXES_KEY } from "../api/queryKeys";
import { ApiError } from "../api/errors";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { InboxFacts } from "../components/inbox/InboxFacts";
import { LiveRequests } from "../components/inbox/LiveRequests";
import { NewSecretPanel } from "../components/inbox/NewSecretPanel";
import { ReplayWindow } from "../components/inbox/ReplayWindow";
import { NO_FILTERS, RequestFiltersBar, filtersOf } from "../components/inbox/RequestFiltersBar";
import { isoOfLocal } from "../components/inbox/localTime";
import { useInbox } from "../components/inbox/useInbox";
import "../styles/inbox.css";

export function InboxPage() {
  const { id = "" } = useParams();
  const inbox = useInbox(id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState(NO_FILTERS);
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => call(api.DELETE("/api/inboxes/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
      navigate("/inboxes");
    },
    onSettled: () => setConfirming(false),
  });

  if (inbox.isPending) {
    return (
      <>
        <PageHeader title="Inbox" />
        <Loading label="Loading inbox" />
      </>
    );
  }
  if (!inbox.data) {
    const missing = inbox.error instanceof ApiError && inbox.error.status === 404;
    return (
      <>
        <PageHeader title={missing ? "Inbox not found" : "Inbox"} />
        {missing ? (
          <EmptyState title="There is no inbox with this id.">
            It may have been deleted (a playground expires after 24 hours), or this token cannot see it.{" "}
            <Link to="/inboxes">Back to inboxes</Link>
          </EmptyState>
        ) : (
          <ErrorNotice error={inbox.error} onRetry={() => inbox.refetch()} />
        )}
      </>
    );
  }
  const data = inbox.data;
  return (
    <>
      <PageHeader
        title={data.name}
        subtitle={
          <>
            {data.description || "An inbox"} · <span className={`badge ${data.active ? "badge-good" : "badge-bad"}`}>{data.active ? "active" : "inactive"}</span>
            {data.playground && <span className="badge badge-muted"> playground</span>}
          </>
        }
        actions={
          <>
            <Link className="button" to={`/inboxes/${id}/edit`}>
              Edit
            </Link>
            <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </>
        }
      />
      <ErrorNotice error={remove.error} />
      <InboxFacts inbox={data} />
      <LiveRequests
        inboxId={id}
        scheme={data.verify.scheme}
        filters={filtersOf(filters, isoOfLocal)}
        toolbar={<RequestFiltersBar value={filters} onChange={setFilters} />}
        empty={<>Requests sent to the URL above appear here as they arrive, verified or not.</>}
      />
      <ReplayWindow inboxId={id} />
      <NewSecretPanel inboxId={id} scheme={data.verify.scheme} />
      {confirming && (
        <ConfirmDialog
          title="Delete inbox"
          message={`Delete ${data.name}? Its URL stops answering, and its request history is deleted with it.`}
          confirmLabel="Delete inbox"
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate()}
        />
      )}
    </>
  );
}

// The inboxes list: every inbox the token can see (playgrounds included, marked), searched on
// this page; each deleted after confirming.
import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { INBOXES_KEY, inboxListKey } from "../api/queryKeys";
import { useIsAdmin } from "../auth/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { Pager, useCursorPages } from "../components/Pager";
import { Time } from "../components/Time";
import { useConfirmedAction } from "../components/useConfirmedAction";
import { schemeLabel } from "../components/inbox-form/schemes";
import "../styles/inbox.css";

type Inbox = Schemas["InboxOut"];
const PAGE_SIZE = 50;

export function Inboxes() {
  const admin = useIsAdmin();
  const [search, setSearch] = useState("");
  const pages = useCursorPages();
  const query = { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) };
  const inboxes = useQuery({
    queryKey: inboxListKey(query),
    queryFn: () => call(api.GET("/api/inboxes", { params: { query } })),
  });
  const remove = useConfirmedAction(
    (inbox: Inbox) => call(api.DELETE("/api/inboxes/{id}", { params: { path: { id: inbox.id } } })),
    INBOXES_KEY,
  );

  const needle = search.trim().toLowerCase();
  const all = inboxes.data?.data ?? [];
  const shown = needle
    ? all.filter((i) => [i.name, i.description, i.id, i.verify.scheme].some((t) => t.toLowerCase().includes(needle)))
    : all;

  return (
    <>
      <PageHeader
        title="Inboxes"
        subtitle="URLs of hookd's own that receive webhooks from other services, verify them and turn them into events."
        actions={
          <Link className="button button-primary" to="/inboxes/new">
            New inbox
          </Link>
        }
      />
      <section className="card">
        <div className="toolbar" role="search" aria-label="Filter inboxes">
          <Field label="Search">
            <input type="search" value={search} placeholder="Name, description, id or scheme" onChange={(e) => setSearch(e.target.value)} />
          </Field>
        </div>
        <ErrorNotice error={inboxes.error} onRetry={() => inboxes.refetch()} />
        <ErrorNotice error={remove.error} />
        {inboxes.isPending ? (
          <Loading label="Loading inboxes" />
        ) : shown.length === 0 ? (
          needle ? (
            <EmptyState title="No inboxes match this search." />
          ) : (
            <EmptyState title="No inboxes yet.">
              An inbox receives webhooks from Stripe, GitHub or any sender. <Link to="/inboxes/new">New inbox</Link>
            </EmptyState>
          )
        ) : (
          <div className="table-wrap">
            <table aria-label="Inboxes">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Verification</th>
                  <th scope="col">Status</th>
                  {admin && (
                    <th scope="col" className="hide-narrow">
                      Tenant
                    </th>
                  )}
                  <th scope="col" className="hide-narrow">
                    Created
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((i) => (
                  <tr key={i.id}>
                    <td className="wrap">
                      <Link to={`/inboxes/${i.id}`}>{i.name}</Link>
                      {i.playground && <span className="badge badge-muted"> playground</span>}
                      {i.description && <div className="muted">{i.description}</div>}
                    </td>
                    <td>{schemeLabel(i.verify.scheme)}</td>
                    <td>
                      <span className={`badge ${i.active ? "badge-good" : "badge-bad"}`}>{i.active ? "active" : "inactive"}</span>
                    </td>
                    {admin && <td className="hide-narrow">{i.tenant}</td>}
                    <td className="hide-narrow">
                      <Time iso={i.created_at} />
                    </td>
                    <td>
                      <button type="button" className="button button-small" onClick={() => remove.ask(i)} aria-label={`Delete ${i.name}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager page={pages.page} nextCursor={inboxes.data?.next_cursor} onOlder={pages.older} onNewer={pages.newer} />
      </section>
      {remove.target && (
        <ConfirmDialog
          title="Delete inbox"
          message={`Delete ${remove.target.name}? Its URL stops answering, and its request history is deleted with it.`}
          confirmLabel="Delete inbox"
          busy={remove.busy}
          onCancel={remove.cancel}
          onConfirm={remove.confirm}
        />
      )}
    </>
  );
}

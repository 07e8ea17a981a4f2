// The webhooks list: every webhook the token can see, with its state and recent attempt success,
// filtered by status and event on the server and by a search on this page. Updates on its own.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { webhookListKey } from "../api/queryKeys";
import { useIsAdmin } from "../auth/session";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Field } from "../components/Field";
import { Pager, useCursorPages } from "../components/Pager";
import { WebhookState } from "../components/StatusBadge";
import { AttemptSuccess } from "../components/webhook/AttemptSuccess";
import { CircuitBadge } from "../components/webhook/Circuit";
import { useSettled } from "../components/useSettled";
import "../styles/webhooks.css";

const LIVE_MS = 5_000;
const PAGE_SIZE = 50;
type StatusFilter = "" | "true" | "false";

export function Webhooks() {
  const admin = useIsAdmin();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<StatusFilter>("");
  const [eventInput, setEventInput] = useState("");
  const event = useSettled(eventInput.trim());
  const pages = useCursorPages();
  const { reset } = pages;
  useEffect(() => reset(), [status, event, reset]);

  const query = {
    limit: PAGE_SIZE,
    ...(status ? { active: status === "true" } : {}),
    ...(event ? { event } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const webhooks = useQuery({
    queryKey: webhookListKey(query),
    queryFn: () => call(api.GET("/api/webhooks", { params: { query } })),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });

  const needle = search.trim().toLowerCase();
  const all = webhooks.data?.data ?? [];
  const shown = needle
    ? all.filter((w) => w.url.toLowerCase().includes(needle) || w.description.toLowerCase().includes(needle))
    : all;
  const filtered = Boolean(needle || status || event);
  const clearFilters = () => {
    setSearch("");
    setStatus("");
    setEventInput("");
  };

  return (
    <>
      <PageHeader
        title="Webhooks"
        subtitle="The URLs hookd delivers events to, and how each is doing. Updates on its own."
        actions={
          <Link className="button button-primary" to="/webhooks/new">
            Add webhook
          </Link>
        }
      />
      <section className="card">
        <div className="toolbar" role="search" aria-label="Filter webhooks">
          <Field label="Search">
            <input
              type="search"
              value={search}
              placeholder="URL or description"
              onChange={(e) => setSearch(e.target.value)}
            />
          </Field>
          <Field label="Status">
            <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
              <option value="">All</option>
              <option value="true">Active</option>
              <option value="false">Disabled</option>
            </select>
          </Field>
          <Field label="Event">
            <input
              type="text"
              value={eventInput}
              placeholder="e.g. order.created"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setEventInput(e.target.value)}
            />
          </Field>
        </div>
        <ErrorNotice error={webhooks.error} onRetry={() => webhooks.refetch()} />
        {webhooks.isPending ? (
          <Loading label="Loading webhooks" />
        ) : webhooks.isError && !webhooks.data ? null : shown.length === 0 ? (
          filtered ? (
            <EmptyState title="No webhooks match these filters.">
              <button type="button" className="button button-small" onClick={clearFilters}>
                Clear filters
              </button>
            </EmptyState>
          ) : (
            <EmptyState title="No webhooks yet.">
              A webhook sends the events it subscribes to to a URL of yours.{" "}
              <Link to="/webhooks/new">Add webhook</Link>
            </EmptyState>
          )
        ) : (
          <div className="table-wrap">
            <table aria-label="Webhooks" className="webhooks-table">
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col" className="hide-narrow">
                    Events
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempt success (24 h)</th>
                  {admin && (
                    <th scope="col" className="hide-narrow">
                      Tenant
                    </th>
                  )}
                  <th scope="col" className="hide-narrow">
                    Description
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((w) => (
                  <tr key={w.id}>
                    <td className="url">
                      <Link to={`/webhooks/${w.id}`}>{w.url}</Link>
                    </td>
                    <td className="hide-narrow wrap mono">{w.events.join(", ")}</td>
                    <td>
                      <WebhookState active={w.active} reason={w.disabled_reason} />
                      {w.active && (
                        <>
                          {" "}
                          <CircuitBadge circuit={w.circuit} />
                        </>
                      )}
                    </td>
                    <td>
                      <AttemptSuccess webhookId={w.id} />
                    </td>
                    {admin && <td className="hide-narrow">{w.tenant}</td>}
                    <td className="hide-narrow wrap">{w.description || <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager
          page={pages.page}
          nextCursor={webhooks.data?.next_cursor}
          onOlder={pages.older}
          onNewer={pages.newer}
        />
      </section>
    </>
  );
}

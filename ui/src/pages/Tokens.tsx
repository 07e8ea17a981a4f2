// Tenant tokens (the admin only): make one for a customer, hand over its portal link, revoke it.
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { tokenListKey } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { EmptyState } from "../components/EmptyState";
import { Pager, useCursorPages } from "../components/Pager";
import { NewTokenForm } from "../components/tokens/NewTokenForm";
import { CreatedToken } from "../components/tokens/CreatedToken";
import { TokensTable } from "../components/tokens/TokensTable";
import "../styles/events.css";

const PAGE_SIZE = 50;

export function Tokens() {
  const [created, setCreated] = useState<Schemas["TokenCreated"] | null>(null);
  const pages = useCursorPages();
  const query = { limit: PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) };
  const tokens = useQuery({
    queryKey: tokenListKey(query),
    queryFn: () => call(api.GET("/api/tokens", { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const list = tokens.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Tokens"
        subtitle="Tenant tokens: each sees only its own tenant, as that customer's portal. The admin token is set on the server."
      />
      {created && <CreatedToken token={created} onDismiss={() => setCreated(null)} />}
      <NewTokenForm onCreated={setCreated} />
      <section className="card" aria-labelledby="token-list">
        <div className="card-header">
          <h2 id="token-list">Tenant tokens</h2>
        </div>
        <ErrorNotice error={tokens.error} onRetry={() => tokens.refetch()} />
        {tokens.isPending ? (
          <Loading label="Loading tokens" />
        ) : tokens.isError && !tokens.data ? null : list.length === 0 ? (
          <EmptyState title="No tenant tokens yet.">
            Create one above to give a customer their own portal: they see and manage only their
            tenant's webhooks and events.
          </EmptyState>
        ) : (
          <>
            <TokensTable tokens={list} />
            <Pager
              page={pages.page}
              nextCursor={tokens.data?.next_cursor}
              onOlder={pages.older}
              onNewer={pages.newer}
            />
          </>
        )}
      </section>
    </>
  );
}

// One webhook: what it is set to do, its secret, a test, how its deliveries went (charts and
// every attempt), and the way to recover failed deliveries.
import { Link, useLocation, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { webhookKey } from "../api/queryKeys";
import { ApiError } from "../api/errors";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { LogsCard } from "../components/webhook/LogsCard";
import { RecoverForm } from "../components/webhook/RecoverForm";
import { SecretPanel } from "../components/webhook/SecretPanel";
import { TestPanel } from "../components/webhook/TestPanel";
import { WebhookCharts } from "../components/webhook/WebhookCharts";
import { WebhookHeader } from "../components/webhook/WebhookHeader";
import { WebhookSummary } from "../components/webhook/WebhookSummary";
import { CircuitNotice } from "../components/webhook/Circuit";
import "../styles/webhook.css";
import "../styles/deliveries.css";

/** What "Edit webhook" leaves in the history entry after a change of scheme. */
export interface WebhookPageState {
  schemeChangedUntil?: string;
}

export function WebhookPage() {
  const { id = "" } = useParams();
  const arrival = useLocation().state as WebhookPageState | null;
  const webhook = useQuery({
    queryKey: webhookKey(id),
    queryFn: () => call(api.GET("/api/webhooks/{id}", { params: { path: { id: id } } })),
    // The failure streak and state change as deliveries happen; an open circuit is watched
    // closely, so that its probe's result shows soon after it comes.
    refetchInterval: (query) => (query.state.data && query.state.data.circuit.state !== "closed" ? 2_000 : 10_000),
  });

  if (webhook.isPending) {
    return (
      <>
        <PageHeader title="Webhook" />
        <Loading label="Loading webhook" />
      </>
    );
  }
  if (webhook.error && !webhook.data) {
    if (webhook.error instanceof ApiError && webhook.error.status === 404) {
      return (
        <>
          <PageHeader title="Webhook not found" />
          <EmptyState title="There is no webhook with this id.">
            It may have been deleted, or this token cannot see it.{" "}
            <Link to="/webhooks">Back to webhooks</Link>
          </EmptyState>
        </>
      );
    }
    return (
      <>
        <PageHeader title="Webhook" />
        <ErrorNotice error={webhook.error} onRetry={() => webhook.refetch()} />
      </>
    );
  }

  const data = webhook.data;
  return (
    <div className="webhook-page">
      <WebhookHeader webhook={data} />
      <CircuitNotice webhook={data} />
      <div className="grid-2">
        <WebhookSummary webhook={data} />
        <div>
          <SecretPanel webhook={data} schemeChangedUntil={arrival?.schemeChangedUntil} />
          <TestPanel webhookId={data.id} />
        </div>
      </div>
      <WebhookCharts webhookId={data.id} />
      <LogsCard webhookId={data.id} />
      <RecoverForm webhookId={data.id} />
    </div>
  );
}

// One delivery (one event to one webhook): the payload sent and every attempt, newest first, with
// the request headers and the receiver's answer; and a way to try it again now (asking first
// when it already succeeded).
import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { deliveryKey } from "../api/queryKeys";
import { ApiError } from "../api/errors";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { AttemptArticle } from "../components/delivery/AttemptArticle";
import { DeliveryFacts } from "../components/delivery/DeliveryFacts";
import { RetryDeliveryButton } from "../components/delivery/RetryDeliveryButton";
import { useRetryDelivery } from "../components/delivery/useRetryDelivery";
import { LiveStatus } from "../components/webhook/LiveStatus";
import "../styles/webhook.css";

const LIVE_MS = 3_000;

export function DeliveryPage() {
  const { id = "" } = useParams();
  const delivery = useQuery({
    queryKey: deliveryKey(id),
    queryFn: () => call(api.GET("/api/deliveries/{id}", { params: { path: { id: id } } })),
    refetchInterval: (query) => (query.state.data?.status === "pending" ? LIVE_MS : false),
  });
  const retry = useRetryDelivery();

  if (delivery.isPending) {
    return (
      <>
        <PageHeader title="Delivery" />
        <Loading label="Loading delivery" />
      </>
    );
  }
  if (delivery.error && !delivery.data) {
    if (delivery.error instanceof ApiError && delivery.error.status === 404) {
      return (
        <>
          <PageHeader title="Delivery not found" />
          <EmptyState title="There is no delivery with this id.">
            It may be older than the retention window, or this token cannot see it.{" "}
            <Link to="/events">Back to events</Link>
          </EmptyState>
        </>
      );
    }
    return (
      <>
        <PageHeader title="Delivery" />
        <ErrorNotice error={delivery.error} onRetry={() => delivery.refetch()} />
      </>
    );
  }

  const data = delivery.data;
  const attempts = [...data.attempts].sort(
    (a, b) => b.attempt - a.attempt || b.created_at.localeCompare(a.created_at),
  );
  return (
    <div className="delivery-page">
      <PageHeader
        title="Delivery"
        subtitle={
          <span className="webhook-subtitle">
            <StatusBadge status={data.status} />
            <code>{data.event_type}</code>
            <span className="mono">{data.id}</span>
          </span>
        }
        actions={
          <>
            <Link className="button" to={`/events/${data.event_id}`}>
              Event
            </Link>
            <Link className="button" to={`/webhooks/${data.webhook_id}`}>
              Webhook
            </Link>
            <RetryDeliveryButton
              delivery={data}
              busy={retry.isPending}
              onRetry={() =>
                retry.mutate({ deliveryId: data.id, webhookId: data.webhook_id, eventType: data.event_type })
              }
            />
          </>
        }
      />
      <LiveStatus>{retry.isSuccess && "Retry queued: a new attempt is being made now."}</LiveStatus>
      <ErrorNotice error={retry.error} />
      <div className="grid-2">
        <DeliveryFacts delivery={data} />
        <section className="card" aria-labelledby="delivery-payload">
          <h2 id="delivery-payload">Payload sent</h2>
          <pre>{JSON.stringify(data.payload, null, 2)}</pre>
        </section>
      </div>
      <section aria-labelledby="delivery-attempts">
        <h2 id="delivery-attempts">
          Attempts <span className="muted">({attempts.length})</span>
        </h2>
        {attempts.length === 0 ? (
          <div className="card">
            <EmptyState title="Not attempted yet.">
              {data.status === "pending"
                ? "The first attempt is on its way; this page updates on its own."
                : "This delivery ended before any attempt was made."}
            </EmptyState>
          </div>
        ) : (
          attempts.map((attempt) => <AttemptArticle key={attempt.id} attempt={attempt} />)
        )}
      </section>
    </div>
  );
}

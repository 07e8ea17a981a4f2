// Canned API answers for the webhook and delivery page tests.
import type { Schemas } from "../../api/client";

export function aWebhook(change: Partial<Schemas["WebhookOut"]> = {}): Schemas["WebhookOut"] {
  return {
    id: "wh_1",
    url: "https://shop.example/hooks",
    events: ["order.created", "order.paid"],
    description: "Orders to the shop",
    tenant: "default",
    active: true,
    disabled_reason: null,
    filter: "data.amount > 100",
    rate_limit: null,
    max_in_flight: 10,
    effective_in_flight: 10,
    timeout_ms: 5000,
    retry_schedule: ["1m", "5m"],
    headers: { "X-Api-Key": "shop-key" },
    signature: { scheme: "v1", simple_header: "x-webhook-signature", simple_prefix: "" },
    public_key: null,
    failure_streak: 0,
    payload: "event",
    circuit: { state: "closed", opened_at: null, next_probe_at: null, reason: null },
    breaker: { enabled: true, failures: 5, cooldown: "30s", max_cooldown: "1h", disable_after: "3d" },
    ordering: null,
    created_at: "2026-11-29T06:00:00.000Z",
    updated_at: "2026-11-29T06:00:00.000Z",
    ...change,
  };
}

export function anAttempt(change: Partial<Schemas["AttemptOut"]> = {}): Schemas["AttemptOut"] {
  return {
    id: "att_1",
    delivery_id: "dlv_1",
    event_id: "evt_1",
    event_type: "order.created",
    attempt: 1,
    status: "succeeded",
    response_code: 200,
    response_body: "thanks",
    error: null,
    duration_ms: 42,
    created_at: new Date().toISOString(),
    delivery_status: "succeeded",
    ...change,
  };
}

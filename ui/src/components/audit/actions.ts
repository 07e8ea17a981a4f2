// The actions the audit log records, as the server names them, with words for people.
import type { operations } from "../../api/schema";

/** An action's name, as the API's document lists them. */
export type AuditAction = NonNullable<NonNullable<operations["list_audit"]["parameters"]["query"]>["action"]>;

export const AUDIT_ACTIONS: [AuditAction, string][] = [
  ["webhook.created", "Webhook created"],
  ["webhook.updated", "Webhook changed"],
  ["webhook.deleted", "Webhook deleted"],
  ["webhook.enabled", "Webhook enabled"],
  ["webhook.disabled", "Webhook disabled"],
  ["webhook.secret_revealed", "Secret revealed"],
  ["webhook.secret_rotated", "Secret rotated"],
  ["webhook.tested", "Test sent"],
  ["webhook.recovered", "Failed deliveries recovered"],
  ["delivery.retried", "Delivery retried"],
  ["deliveries.retried", "Failed deliveries retried"],
  ["event_type.created", "Event type added"],
  ["event_type.deleted", "Event type deleted"],
  ["token.created", "Token created"],
  ["token.revoked", "Token revoked"],
  ["admin_token.reset", "Admin token reset"],
];

export function actionLabel(action: string): string {
  return AUDIT_ACTIONS.find(([name]) => name === action)?.[1] ?? action;
}

/** The entry's detail as short "key: value" phrases. */
export function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key.replace(/_/g, " ")}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");
}

// Every React Query key of the app, in one place. A key's first element is its prefix, and
// invalidating a prefix refreshes every answer under it, so a change invalidates the prefix of
// what it changed:
//
// - "webhooks": lists and views across webhooks (the list, the dashboard's attention list, a URL
//   by id, the edit form's copy, the playground's test webhook); any webhook created, changed or
//   deleted invalidates it.
// - "webhook", id: one webhook's page (summary, logs, charts), so invalidating that refreshes
//   them at once. Its secret is apart ("webhook-secret"): fetched only when a person asks to see
//   it (each reading is in the audit log), never refreshed along with the page.
// - "metrics": the dashboard's per-webhook totals; anything that sends or stops deliveries
//   invalidates it.
// - "events": the event list and events by id; publishing invalidates it all.
// - "event-types": the catalog and the event names the webhook form offers; a page that changes
//   the catalog invalidates both.
// - "inboxes": inboxes, their requests, the playgrounds.
// - "deliveries": deliveries across webhooks (the failed-deliveries page, the ping a webhook form
//   follows); a bulk retry or a recover invalidates it, with "metrics", "webhook" and "delivery".
// - "tokens", "audit", "stats", "delivery", "server": one page each.

type Filters = Record<string, unknown>;

export const WEBHOOKS_KEY = ["webhooks"] as const;
export const webhookListKey = (filters: Filters) => ["webhooks", "list", filters] as const;
/** The dashboard's list of webhooks that are disabled or failing. */
export const WEBHOOKS_NEEDING_ATTENTION_KEY = ["webhooks", "attention"] as const;
/** A webhook's URL by its id, for tables that only carry the id. */
export const webhookUrlKey = (id: string) => ["webhooks", "url-of", id] as const;
/** The edit form's copy of a webhook, read once when the form opens. */
export const webhookEditKey = (id: string) => ["webhooks", "edit", id] as const;
/** The playground's test webhook: the one pointing at `url`. */
export const playgroundTestWebhookKey = (url: string | null) => ["webhooks", "playground-test", url] as const;

/** Every webhook's page at once, for a change that reaches across webhooks (a bulk retry). */
export const WEBHOOK_PAGES_KEY = ["webhook"] as const;
export const webhookKey = (id: string) => ["webhook", id] as const;
export const webhookLogsKey = (id: string, filters: Filters) => ["webhook", id, "logs", filters] as const;
export const webhookStatsKey = (id: string, window: string) => ["webhook", id, "stats", window] as const;
export const webhookSecretKey = (id: string) => ["webhook-secret", id] as const;

export const METRICS_KEY = ["metrics"] as const;
export const statsKey = (window: string) => ["stats", window] as const;

export const DELIVERY_KEY = ["delivery"] as const;
export const deliveryKey = (id: string) => ["delivery", id] as const;
export const DELIVERIES_KEY = ["deliveries"] as const;
/** The failed-deliveries page's list (`GET /api/deliveries`) for these filters. */
export const deliveryListKey = (filters: Filters) => ["deliveries", "list", filters] as const;

/** What this hookd is (`GET /api/server`): version, database, retention, limits. */
export const SERVER_KEY = ["server"] as const;

export const EVENTS_KEY = ["events"] as const;
export const eventListKey = (filters: Filters) => ["events", "list", filters] as const;
/** One event with its deliveries: shared by the events list (for its summaries) and the event page. */
export const eventKey = (id: string) => ["events", "detail", id] as const;
/** A webhook's ping event and the delivery it made, followed by the webhook form after saving. */
export const pingEventKey = (id: string | null | undefined) => ["events", id, "ping"] as const;
export const pingDeliveryKey = (id: string | undefined) => ["deliveries", id, "ping"] as const;

export const EVENT_TYPES_KEY = ["event-types"] as const;
export const EVENT_TYPE_CATALOG_KEY = ["event-types", "catalog"] as const;
/** The names a webhook can subscribe to (`GET /api/event-names`). */
export const EVENT_NAMES_KEY = ["event-types", "names"] as const;

export const INBOXES_KEY = ["inboxes"] as const;
export const inboxListKey = (filters: Filters) => ["inboxes", "list", filters] as const;
export const inboxKey = (id: string) => ["inboxes", "detail", id] as const;
export const inboxRequestsKey = (id: string, filters: Filters) => ["inboxes", "requests", id, filters] as const;
export const inboxRequestKey = (id: string) => ["inboxes", "request", id] as const;
export const PLAYGROUNDS_KEY = ["inboxes", "playgrounds"] as const;

export const TOKENS_KEY = ["tokens"] as const;
export const tokenListKey = (filters: Filters) => ["tokens", "list", filters] as const;

export const auditKey = (filters: Filters) => ["audit", filters] as const;

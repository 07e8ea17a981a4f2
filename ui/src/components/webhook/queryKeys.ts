// The query-cache keys of one webhook and of one delivery. Everything about a webhook lives under
// `["webhook", id]`, so invalidating that prefix refreshes its summary, logs and charts at once;
// everything but its secret, which is fetched only when a person asks to see it (each reading is
// in the audit log), never refreshed along with the page.
export const webhookKey = (id: string) => ["webhook", id] as const;
export const webhookLogsKey = (id: string) => ["webhook", id, "logs"] as const;
export const webhookStatsKey = (id: string, window: string) => ["webhook", id, "stats", window] as const;
export const webhookSecretKey = (id: string) => ["webhook-secret", id] as const;
export const deliveryKey = (id: string) => ["delivery", id] as const;

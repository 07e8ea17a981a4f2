// Query keys for inboxes and their requests, all under "inboxes".

export const INBOXES_KEY = ["inboxes"] as const;

export function inboxKey(id: string) {
  return ["inboxes", "detail", id] as const;
}

export function inboxRequestsKey(id: string, filters: Record<string, unknown>) {
  return ["inboxes", "requests", id, filters] as const;
}

export function inboxRequestKey(id: string) {
  return ["inboxes", "request", id] as const;
}

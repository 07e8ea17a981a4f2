// Query keys for events. Everything sits under "events", so publishing invalidates it all.

export const EVENTS_KEY = ["events"] as const;

export function eventListKey(filters: Record<string, unknown>) {
  return ["events", "list", filters] as const;
}

/** One event with its deliveries: shared by the events list (for its summaries) and the event page. */
export function eventKey(id: string) {
  return ["events", "detail", id] as const;
}

/** The event type catalog, under the "event-types" prefix that the webhook form also uses. */
export const EVENT_TYPES_KEY = ["event-types"] as const;
export const EVENT_TYPE_CATALOG_KEY = ["event-types", "catalog"] as const;

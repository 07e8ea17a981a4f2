// The event type catalog, whose descriptions the Events fieldset shows under the catalog's names.
// Under the "event-types" prefix, so a page that changes the catalog and invalidates it refreshes
// this too.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";

export const EVENT_TYPES_KEY = ["event-types", "webhook-form"] as const;

export function useEventTypes() {
  return useQuery({
    queryKey: EVENT_TYPES_KEY,
    queryFn: () => call(api.GET("/api/event-types")),
    select: (list) => list.data,
    staleTime: 30_000,
  });
}

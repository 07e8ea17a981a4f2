// The event type catalog (`GET /api/event-types`, the whole list, by name): for the event types
// page, the publish form, and the descriptions under the webhook form's event names. One key for
// all of them, under the "event-types" prefix that a change of the catalog invalidates.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { EVENT_TYPE_CATALOG_KEY } from "../../api/queryKeys";

/** `staleTime`: how old an answer may be before this caller fetches it again (when left out,
 * the app's default in main.tsx). */
export function useEventTypeCatalog(options: { staleTime?: number } = {}) {
  return useQuery({
    queryKey: EVENT_TYPE_CATALOG_KEY,
    queryFn: () => call(api.GET("/api/event-types")),
    select: (list) => list.data,
    ...options,
  });
}

// The names the Events fieldset offers as checkboxes (`GET /api/event-names`): the catalog's,
// hookd's own, and those seen in recently published events, so that a fresh install without a
// catalog still offers what the application publishes. Under the "event-types" prefix, so a page
// that changes the catalog and invalidates it refreshes this too.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { EVENT_NAMES_KEY } from "../../api/queryKeys";

export function useEventNames() {
  return useQuery({
    queryKey: EVENT_NAMES_KEY,
    queryFn: () => call(api.GET("/api/event-names")),
    select: (list) => list.data,
    staleTime: 30_000,
  });
}

// The event type catalog (the whole list, by name), for the event types page and the publish form.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { EVENT_TYPE_CATALOG_KEY } from "../events/queryKeys";

export function useEventTypeCatalog() {
  return useQuery({
    queryKey: EVENT_TYPE_CATALOG_KEY,
    queryFn: () => call(api.GET("/api/event-types")),
    select: (list) => list.data,
  });
}

// One event with its deliveries, refreshed every few seconds while any delivery is pending.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { eventKey } from "../../api/queryKeys";
import { anyPending } from "./deliverySummary";

export const EVENT_LIVE_MS = 3_000;

/** `enabled: false` leaves it unfetched, e.g. for an event that went to no webhook. */
export function useEvent(id: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    enabled,
    queryKey: eventKey(id),
    queryFn: () => call(api.GET("/api/events/{id}", { params: { path: { id } } })),
    refetchInterval: (query) =>
      query.state.data && anyPending(query.state.data.deliveries) ? EVENT_LIVE_MS : false,
  });
}

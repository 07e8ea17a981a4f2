// One inbox, by id.
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { inboxKey } from "../../api/queryKeys";

/** An empty `id` waits (for a page that learns it from another query). */
export function useInbox(id: string) {
  return useQuery({
    enabled: id !== "",
    queryKey: inboxKey(id),
    queryFn: () => call(api.GET("/api/inboxes/{id}", { params: { path: { id } } })),
  });
}

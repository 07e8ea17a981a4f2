// An inbox's request history, newest first, kept live: the list is read once, then every new
// request arrives over the inbox's stream (no polling), resuming after the newest one known.
import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { inboxRequestsKey } from "../../api/queryKeys";
import { followStream, type StreamState } from "../../api/sse";

export type InboxRequest = Schemas["InboxRequestOut"];
export type InboxRequestDetail = Schemas["InboxRequestDetail"];

export type RequestFilters = {
  verified?: boolean;
  duplicate?: boolean;
  since?: string;
  until?: string;
};

/** Whether a request that arrived live belongs in a list with these filters. */
export function matchesFilters(request: InboxRequest, filters: RequestFilters): boolean {
  if (filters.verified !== undefined && request.verified !== filters.verified) return false;
  if (filters.duplicate !== undefined && Boolean(request.duplicate_of) !== filters.duplicate) return false;
  if (filters.since && request.received_at < filters.since) return false;
  if (filters.until && request.received_at >= filters.until) return false;
  return true;
}

export function useInboxRequests(inboxId: string, filters: RequestFilters = {}, limit = 100) {
  const query = { ...filters, limit };
  const history = useQuery({
    queryKey: inboxRequestsKey(inboxId, query),
    queryFn: () => call(api.GET("/api/inboxes/{id}/requests", { params: { path: { id: inboxId }, query } })),
  });
  const [arrived, setArrived] = useState<InboxRequestDetail[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  const newestKnown = history.data?.data[0]?.id ?? null;
  const loaded = history.isSuccess;

  useEffect(() => {
    if (!loaded) return;
    setArrived([]);
    const abort = new AbortController();
    void followStream(`/api/inboxes/${encodeURIComponent(inboxId)}/stream`, {
      lastEventId: newestKnown,
      signal: abort.signal,
      onState: setState,
      onEvent: (event) => {
        if (event.event !== "request") return;
        const request = JSON.parse(event.data) as InboxRequestDetail;
        setArrived((list) => (list.some((r) => r.id === request.id) ? list : [request, ...list]));
      },
    });
    return () => abort.abort();
    // The stream restarts only when the list it continues changes.
  }, [inboxId, loaded, newestKnown]);

  const requests = useMemo(() => {
    const listed = history.data?.data ?? [];
    const seen = new Set(listed.map((r) => r.id));
    const fresh = arrived.filter((r) => !seen.has(r.id) && matchesFilters(r, filters));
    return [...fresh, ...listed] as InboxRequest[];
  }, [history.data, arrived, filters.verified, filters.duplicate, filters.since, filters.until]);

  return { requests, history, stream: state };
}

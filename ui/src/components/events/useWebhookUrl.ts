// A webhook's URL by its id, for tables that only carry the id. Undefined until known, and
// when the webhook is gone or hidden from this token (the caller shows the id instead).
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { webhookUrlKey } from "../../api/queryKeys";

export function useWebhookUrl(id: string): string | undefined {
  const webhook = useQuery({
    queryKey: webhookUrlKey(id),
    queryFn: () => call(api.GET("/api/webhooks/{id}", { params: { path: { id } } })),
    select: (w) => w.url,
    staleTime: 60_000,
  });
  return webhook.data;
}

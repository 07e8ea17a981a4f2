// The caller's playground: the newest playground inbox it can see, and the test webhook that
// points at it. Making one takes one call each: the inbox verifies Standard Webhooks with the
// secret it generates, and the webhook is registered with that same secret, so what hookd sends
// it arrives signed and verified.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { INBOXES_KEY, PLAYGROUNDS_KEY, playgroundTestWebhookKey } from "../../api/queryKeys";

export type Inbox = Schemas["InboxOut"];
export type Webhook = Schemas["WebhookOut"];

/** The events the test webhook subscribes to; the sample is one of them. */
export const TEST_EVENTS = "playground.*";
export const TEST_RETRY_SCHEDULE = ["5s", "10s"];

/** The URL senders post to, absolute even when hookd has no HOOKD_PUBLIC_URL. */
export function absoluteUrl(receiveUrl: string): string {
  return new URL(receiveUrl, globalThis.location?.origin ?? "http://localhost").toString();
}

/** The newest playground that has not expired. */
export function newestPlayground(inboxes: Inbox[], now = Date.now()): Inbox | null {
  const live = inboxes.filter((i) => i.playground && (!i.expires_at || Date.parse(i.expires_at) > now));
  live.sort((a, b) => b.created_at.localeCompare(a.created_at));
  return live[0] ?? null;
}

export function usePlayground() {
  const queryClient = useQueryClient();
  const playgrounds = useQuery({
    queryKey: PLAYGROUNDS_KEY,
    queryFn: () => call(api.GET("/api/inboxes", { params: { query: { playground: true, limit: 100 } } })),
  });
  const inbox = playgrounds.data ? newestPlayground(playgrounds.data.data) : null;
  const url = inbox ? absoluteUrl(inbox.receive_url) : null;
  const webhook = useQuery({
    enabled: Boolean(url),
    queryKey: playgroundTestWebhookKey(url),
    queryFn: async () => {
      const list = await call(api.GET("/api/webhooks", { params: { query: { limit: 100 } } }));
      return list.data.find((w) => w.url === url) ?? null;
    },
  });

  const create = useMutation({
    mutationFn: async () => {
      const made = await call(
        api.POST("/api/inboxes", {
          body: { name: "Playground", playground: true, verify: { scheme: "standard" } },
        }),
      );
      const secret = made.verify.secret;
      await call(
        api.POST("/api/webhooks", {
          body: {
            url: absoluteUrl(made.receive_url),
            events: [TEST_EVENTS],
            tenant: made.tenant,
            description: `The playground's test webhook (${made.id})`,
            secret: secret ?? undefined,
            retry_schedule: TEST_RETRY_SCHEDULE,
            ping: false,
          },
        }),
      );
      return made;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INBOXES_KEY }),
  });

  const remove = useMutation({
    mutationFn: async () => {
      if (webhook.data) await call(api.DELETE("/api/webhooks/{id}", { params: { path: { id: webhook.data.id } } }));
      if (inbox) await call(api.DELETE("/api/inboxes/{id}", { params: { path: { id: inbox.id } } }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INBOXES_KEY }),
  });

  return { playgrounds, inbox, url, webhook, create, remove };
}

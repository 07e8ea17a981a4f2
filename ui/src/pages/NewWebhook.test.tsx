// "Add webhook": the browser's checks stop bad input before any request; the body sent holds
// only what was set; the server's refusal shows at its field; the created card shows the secret
// and the ping's result.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NewWebhook } from "./NewWebhook";
import { fakeApi, renderPage, type FakeCall } from "../test/render";

const eventTypes = {
  status: 200,
  body: {
    data: [
      { id: "et_1", name: "order.created", description: "An order was placed", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
      { id: "et_2", name: "order.paid", description: "An order was paid", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
      { id: "et_3", name: "user.signed_up", description: "A user signed up", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
    ],
    next_cursor: null,
  },
};

const eventNames = {
  status: 200,
  body: {
    data: [
      { name: "order.created", source: "catalog" },
      { name: "order.paid", source: "catalog" },
      { name: "shipment.sent", source: "published" },
      { name: "user.signed_up", source: "catalog" },
      { name: "webhook.disabled", source: "hookd" },
      { name: "webhook.ping", source: "hookd" },
    ],
    next_cursor: null,
  },
};

const catalogRoutes = { "GET /api/event-types": () => eventTypes, "GET /api/event-names": () => eventNames };

const created = {
  id: "wh_new", url: "https://shop.example/hooks", events: ["order.created"], description: "", tenant: "default",
  active: true, disabled_reason: null, filter: null, rate_limit: null, max_in_flight: 10, effective_in_flight: 10, timeout_ms: 10000,
  retry_schedule: null, headers: {}, failure_streak: 0, signature: { scheme: "v1", simple_header: "x-webhook-signature", simple_prefix: "" }, public_key: null, created_at: "2026-11-29T06:00:00.000Z",
  updated_at: "2026-11-29T06:00:00.000Z", secret: "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==", ping_event_id: "evt_ping",
};

const posts = (calls: FakeCall[]) => calls.filter((c) => c.method === "POST" && c.path === "/api/webhooks");

test("refuses a bad URL and no events at their fields, and sends nothing", async () => {
  const user = userEvent.setup();
  const calls = fakeApi(catalogRoutes);
  renderPage(<NewWebhook />);
  await screen.findByRole("checkbox", { name: "order.created" });

  await user.type(screen.getByLabelText("URL"), "ftp://shop.example/hooks");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  expect(screen.getByLabelText("URL")).toHaveAccessibleDescription(/must start with http:\/\/ or https:\/\//);
  expect(screen.getByLabelText("URL")).toHaveAttribute("aria-invalid", "true");
  expect(screen.getByLabelText("URL")).toHaveFocus();
  const events = screen.getByRole("group", { name: "Events" });
  expect(events).toHaveAccessibleDescription("Choose at least one event.");
  expect(screen.getByRole("alert")).toHaveTextContent("2 fields need attention");

  await user.clear(screen.getByLabelText("URL"));
  await user.type(screen.getByLabelText("URL"), "https://admin:hunter2@shop.example/hooks");
  await user.click(screen.getByRole("checkbox", { name: "order.created" }));
  expect(within(events).queryByText("Choose at least one event.")).not.toBeInTheDocument();
  await user.type(screen.getByLabelText("Other events"), "not valid!");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  expect(screen.getByLabelText("URL")).toHaveAccessibleDescription(/Leave out user:password@/);
  expect(screen.getByLabelText("Other events")).toHaveAccessibleDescription(/“valid!” is not an event name/);
  expect(posts(calls)).toHaveLength(0);
});

test("sends the ticked events, other events, a header and a retry schedule, and nothing unset", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({ status: 201, body: { ...created, ping_event_id: null } }),
  });
  renderPage(<NewWebhook />);

  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.paid" }));
  await user.click(screen.getByRole("checkbox", { name: "order.created" }));
  await user.type(screen.getByLabelText("Other events"), "invoice.*, refund.issued");
  await user.click(screen.getByText("Advanced options"));
  await user.type(screen.getByLabelText("Retry schedule"), "30s, 5m,1h");
  await user.click(screen.getByRole("button", { name: "Add header" }));
  expect(screen.getByLabelText("Header name")).toHaveFocus();
  await user.keyboard("X-Api-Key");
  await user.type(screen.getByLabelText("Header value"), "shop-key");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  await screen.findByRole("region", { name: "Webhook created" });
  expect(posts(calls).map((c) => c.body)).toEqual([
    {
      url: "https://shop.example/hooks",
      events: ["order.paid", "order.created", "invoice.*", "refund.issued"],
      tenant: "default",
      retry_schedule: ["30s", "5m", "1h"],
      headers: { "X-Api-Key": "shop-key" },
      ping: true,
    },
  ]);
});

test("All events sends * alone, and a tenant token cannot choose a tenant", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({ status: 201, body: { ...created, ping_event_id: null } }),
  });
  renderPage(<NewWebhook />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  await user.type(screen.getByLabelText("URL"), "https://acme.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.paid" }));
  await user.click(screen.getByRole("checkbox", { name: "All events (*)" }));
  expect(screen.getByRole("checkbox", { name: "order.created" })).toBeDisabled();
  expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
  await user.click(screen.getByText("Advanced options"));
  await user.click(screen.getByRole("checkbox", { name: "Send a ping after creating" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  await screen.findByRole("region", { name: "Webhook created" });
  expect(posts(calls)[0].body).toEqual({ url: "https://acme.example/hooks", events: ["*"], ping: false });
  expect(screen.getByText(/No ping was sent/)).toBeInTheDocument();
});

test("shows the server's refusal of the URL at the URL field", async () => {
  const user = userEvent.setup();
  fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({
      status: 422,
      body: {
        type: "urn:hookd:problem:url_not_allowed", title: "Unprocessable Entity", status: 422, code: "url_not_allowed",
        detail: "url: resolves to 169.254.169.254, which is a link-local address not in HOOKD_ALLOWED_NETWORKS",
        errors: [{ field: "url", code: "url_not_allowed", message: "resolves to 169.254.169.254, which is a link-local address not in HOOKD_ALLOWED_NETWORKS" }],
      },
    }),
  });
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "http://169.254.169.254/latest");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  const url = screen.getByLabelText("URL");
  await waitFor(() => expect(url).toHaveAccessibleDescription(/The URL resolves to 169\.254\.169\.254, which .*HOOKD_ALLOWED_NETWORKS\./));
  expect(url).toHaveAttribute("aria-invalid", "true");
  expect(screen.getByRole("button", { name: "Create webhook" })).toBeEnabled();
  // Editing the URL clears the out-of-date message.
  await user.type(url, "x");
  expect(url).not.toHaveAttribute("aria-invalid");
});

test("after creating, shows the secret once and the ping's result", async () => {
  const user = userEvent.setup();
  fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({ status: 201, body: created }),
    "GET /api/events/evt_ping": () => ({
      status: 200,
      body: {
        id: "evt_ping", type: "webhook.ping", tenant: "default", timestamp: "2026-11-29T06:00:00.000Z", data: {},
        deliveries: [{ id: "dlv_ping", event_id: "evt_ping", webhook_id: "wh_new", tenant: "default", event_type: "webhook.ping",
          status: "succeeded", attempt_count: 1, next_attempt_at: null, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z" }],
      },
    }),
    "GET /api/deliveries/dlv_ping": () => ({
      status: 200,
      body: {
        id: "dlv_ping", event_id: "evt_ping", webhook_id: "wh_new", tenant: "default", event_type: "webhook.ping",
        status: "succeeded", attempt_count: 1, next_attempt_at: null, created_at: "2026-11-29T06:00:00.000Z",
        updated_at: "2026-11-29T06:00:00.000Z", payload: {},
        attempts: [{ id: "att_1", delivery_id: "dlv_ping", event_id: "evt_ping", event_type: "webhook.ping", attempt: 1,
          status: "succeeded", response_code: 204, response_body: "", error: null, duration_ms: 12,
          created_at: "2026-11-29T06:00:00.000Z", request_headers: [], response_headers: [] }],
      },
    }),
  });
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));

  const card = await screen.findByRole("region", { name: "Webhook created" });
  expect(within(card).getByText(created.secret).tagName).toBe("CODE");
  expect(within(card).getByRole("button", { name: "Copy secret" })).toBeInTheDocument();
  expect(within(card).getByText(/won't be shown in full here again/)).toBeInTheDocument();
  expect(await within(card).findByText("Ping delivered: the receiver answered 204 in 12 ms.")).toBeInTheDocument();
  expect(within(card).getByRole("link", { name: "Open webhook" })).toHaveAttribute("href", "/webhooks/wh_new");
  expect(screen.queryByRole("button", { name: "Create webhook" })).not.toBeInTheDocument();

  await user.click(within(card).getByRole("link", { name: "Add another" }));
  expect(screen.getByLabelText("URL")).toHaveValue("");
});

test("a failed first attempt of the ping is reported with its error", async () => {
  const user = userEvent.setup();
  fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({ status: 201, body: created }),
    "GET /api/events/evt_ping": () => ({
      status: 200,
      body: {
        id: "evt_ping", type: "webhook.ping", tenant: "default", timestamp: "2026-11-29T06:00:00.000Z", data: {},
        deliveries: [{ id: "dlv_ping", event_id: "evt_ping", webhook_id: "wh_new", tenant: "default", event_type: "webhook.ping",
          status: "pending", attempt_count: 1, next_attempt_at: "2026-11-29T06:01:00.000Z", created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z" }],
      },
    }),
    "GET /api/deliveries/dlv_ping": () => ({
      status: 200,
      body: {
        id: "dlv_ping", event_id: "evt_ping", webhook_id: "wh_new", tenant: "default", event_type: "webhook.ping",
        status: "pending", attempt_count: 1, next_attempt_at: "2026-11-29T06:01:00.000Z", created_at: "2026-11-29T06:00:00.000Z",
        updated_at: "2026-11-29T06:00:00.000Z", payload: {},
        attempts: [{ id: "att_1", delivery_id: "dlv_ping", event_id: "evt_ping", event_type: "webhook.ping", attempt: 1,
          status: "failed", response_code: null, response_body: null, error: "connection failed: connection refused",
          duration_ms: 0, created_at: "2026-11-29T06:00:00.000Z", request_headers: [], response_headers: [] }],
      },
    }),
  });
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  const card = await screen.findByRole("region", { name: "Webhook created" });
  expect(await within(card).findByText(/^Ping failed: connection failed: connection refused\./)).toBeInTheDocument();
});

test("a fresh install offers hookd's own events and the names seen in published events, and says how to add types", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/event-types": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "GET /api/event-names": () => ({
      status: 200,
      body: {
        data: [
          { name: "shipment.sent", source: "published" },
          { name: "webhook.disabled", source: "hookd" },
          { name: "webhook.ping", source: "hookd" },
        ],
        next_cursor: null,
      },
    }),
    "POST /api/webhooks": () => ({ status: 201, body: { ...created, ping_event_id: null } }),
  });
  renderPage(<NewWebhook />);
  const own = await screen.findByRole("group", { name: "hookd's own events" });
  expect(within(own).getByRole("checkbox", { name: "webhook.ping" })).toBeInTheDocument();
  expect(within(own).getByRole("checkbox", { name: "webhook.disabled" })).toHaveAccessibleDescription(/disabled a webhook/);
  const seen = screen.getByRole("group", { name: "Seen in published events" });
  expect(seen).toHaveAccessibleDescription("not in the catalog");
  expect(within(seen).getByRole("checkbox", { name: "shipment.sent" })).toBeInTheDocument();
  expect(screen.queryByRole("group", { name: "From the catalog" })).not.toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Event types" })).toHaveAttribute("href", "/event-types");
  expect(screen.getByText(/description and an optional JSON Schema/)).toBeInTheDocument();
  expect(screen.getByRole("checkbox", { name: "All events (*)" })).toBeInTheDocument();
  expect(screen.getByLabelText("Other events")).toBeInTheDocument();

  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(within(seen).getByRole("checkbox", { name: "shipment.sent" }));
  await user.click(within(own).getByRole("checkbox", { name: "webhook.disabled" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  await screen.findByRole("region", { name: "Webhook created" });
  expect(posts(calls)[0].body).toMatchObject({ events: ["shipment.sent", "webhook.disabled"] });
});

test("the retry schedule is checked as the server checks it: one delay per item, separated by commas", async () => {
  const user = userEvent.setup();
  const calls = fakeApi(catalogRoutes);
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByText("Advanced options"));
  const schedule = screen.getByLabelText("Retry schedule");
  expect(schedule).toHaveAccessibleDescription(/whole number and one unit, s, m, h or d .*from 1s to 7d, at most 20/);
  await user.type(schedule, "30s, 1m 5m");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  expect(schedule).toHaveAccessibleDescription(/“1m 5m” holds more than one delay: separate them with commas \(1m, 5m\)/);
  await user.clear(schedule);
  await user.type(schedule, "1.5m");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  expect(schedule).toHaveAccessibleDescription(/“1\.5m” is not a delay/);
  expect(posts(calls)).toHaveLength(0);
});

const PUBLIC = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
const KEY = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8DoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuA==";

test("an Ed25519 (v1a) webhook: the secret must be a whsk_ key, and the created card shows the public key", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({
      status: 201,
      body: {
        ...created, ping_event_id: null, secret: KEY, public_key: PUBLIC,
        signature: { scheme: "v1a", simple_header: "x-webhook-signature", simple_prefix: "" },
      },
    }),
  });
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByText("Advanced options"));
  const scheme = screen.getByLabelText("Signature scheme");
  expect(scheme).toHaveValue("v1");
  expect(screen.getByLabelText("Simple signature header")).toBeInTheDocument();
  await user.selectOptions(scheme, "v1a: Ed25519 (public key)");
  expect(scheme).toHaveAccessibleDescription(/receivers verify with its public key \(whpk_…\)/);
  expect(screen.queryByLabelText("Simple signature header")).not.toBeInTheDocument();
  expect(screen.getByLabelText("Secret")).toHaveAttribute("placeholder", "whsk_…");

  await user.type(screen.getByLabelText("Secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  expect(screen.getByLabelText("Secret")).toHaveAccessibleDescription(/An Ed25519 \(v1a\) key starts with whsk_/);
  expect(posts(calls)).toHaveLength(0);

  await user.clear(screen.getByLabelText("Secret"));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  const card = await screen.findByRole("region", { name: "Webhook created" });
  expect(posts(calls)[0].body).toMatchObject({ signature: { scheme: "v1a" } });
  expect(posts(calls)[0].body).not.toHaveProperty("secret");
  expect(within(card).getByText(PUBLIC).tagName).toBe("CODE");
  expect(within(card).getByRole("button", { name: "Copy public key" })).toBeInTheDocument();
  expect(within(card).getByText(/Receivers verify the Ed25519 \(v1a\) signatures with this public key/)).toBeInTheDocument();
  expect(within(card).getByText(KEY).tagName).toBe("CODE");
});

test("the simple header's name and prefix are checked, sent as typed, and kept off custom headers", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    ...catalogRoutes,
    "POST /api/webhooks": () => ({ status: 201, body: { ...created, ping_event_id: null } }),
  });
  renderPage(<NewWebhook />);
  await user.type(screen.getByLabelText("URL"), "https://shop.example/hooks");
  await user.click(await screen.findByRole("checkbox", { name: "order.created" }));
  await user.click(screen.getByText("Advanced options"));
  const header = screen.getByLabelText("Simple signature header");
  const prefix = screen.getByLabelText("Simple signature prefix");
  expect(header).toHaveAttribute("placeholder", "x-webhook-signature");
  await user.type(header, "Webhook-Signature");
  await user.type(prefix, "sha 256=");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  expect(header).toHaveAccessibleDescription(/Webhook-Signature is set by hookd or by HTTP itself/);
  expect(prefix).toHaveAccessibleDescription(/without spaces/);

  await user.clear(header);
  await user.type(header, "X-Hub-Signature-256");
  await user.clear(prefix);
  await user.type(prefix, "sha256=");
  await user.click(screen.getByRole("button", { name: "Add header" }));
  await user.keyboard("x-hub-signature-256");
  await user.type(screen.getByLabelText("Header value"), "forged");
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  expect(screen.getByLabelText("Header name")).toHaveAccessibleDescription(/carries this webhook's simple signature/);
  expect(posts(calls)).toHaveLength(0);

  await user.click(screen.getByRole("button", { name: "Remove header" }));
  await user.click(screen.getByRole("button", { name: "Create webhook" }));
  await screen.findByRole("region", { name: "Webhook created" });
  expect(posts(calls)[0].body).toMatchObject({
    signature: { simple_header: "X-Hub-Signature-256", simple_prefix: "sha256=" },
  });
  expect(posts(calls)[0].body).not.toHaveProperty("signature.scheme");
});

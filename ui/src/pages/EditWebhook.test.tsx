// "Edit webhook": filled from the stored webhook; saving sends only what changed (null to clear
// the rate limit, filter and retry schedule), then goes to the webhook's page.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { EditWebhook } from "./EditWebhook";
import { fakeApi, renderPage, type FakeCall } from "../test/render";

const stored = {
  id: "wh_1", url: "https://shop.example/hooks", events: ["order.created", "legacy.*"], description: "Orders",
  tenant: "default", active: true, disabled_reason: null, filter: "data.amount > 100", rate_limit: 50,
  max_in_flight: 4, effective_in_flight: 4, timeout_ms: 5000, retry_schedule: ["1m", "5m"], headers: { "X-Api-Key": "shop-key" },
  failure_streak: 0, signature: { scheme: "v1", simple_header: "x-webhook-signature", simple_prefix: "" }, public_key: null, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z",
  circuit: { state: "closed", opened_at: null, next_probe_at: null, reason: null },
  breaker: { enabled: true, failures: 5, cooldown: "30s", max_cooldown: "1h", disable_after: "3d" },
  ordering: null,
};

const eventTypes = {
  status: 200,
  body: {
    data: [
      { id: "et_1", name: "order.created", description: "An order was placed", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
      { id: "et_2", name: "order.paid", description: "", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
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
      { name: "webhook.disabled", source: "hookd" },
      { name: "webhook.ping", source: "hookd" },
    ],
    next_cursor: null,
  },
};

const catalogRoutes = { "GET /api/event-types": () => eventTypes, "GET /api/event-names": () => eventNames };

const patches = (calls: FakeCall[]) => calls.filter((c) => c.method === "PATCH");
const at = { path: "/webhooks/wh_1/edit", route: "/webhooks/:id/edit" };

test("is filled from the webhook, without secret, tenant or ping", async () => {
  fakeApi({ "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }), ...catalogRoutes });
  renderPage(<EditWebhook />, at);
  expect(await screen.findByLabelText("URL")).toHaveValue("https://shop.example/hooks");
  expect(screen.getByRole("heading", { level: 1, name: "Edit webhook" })).toBeInTheDocument();
  expect(await screen.findByRole("checkbox", { name: "order.paid" })).not.toBeChecked();
  expect(screen.getByRole("checkbox", { name: "order.created" })).toBeChecked();
  expect(screen.getByLabelText("Other events")).toHaveValue("legacy.*");
  expect(screen.getByLabelText("Retry schedule")).toHaveValue("1m, 5m");
  expect(screen.getByLabelText("Rate limit (per second)")).toHaveValue("50");
  expect(screen.getByLabelText("Header name")).toHaveValue("X-Api-Key");
  expect(screen.queryByLabelText("Secret")).not.toBeInTheDocument();
  expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
  expect(screen.queryByRole("checkbox", { name: "Send a ping after creating" })).not.toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Cancel" })).toHaveAttribute("href", "/webhooks/wh_1");
});

test("saves only the changed fields, with null to clear, then opens the webhook", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": (call) => ({ status: 200, body: { ...stored, ...(call.body as object) } }),
  });
  renderPage(<EditWebhook />, at);
  await user.clear(await screen.findByLabelText("Description"));
  await user.type(screen.getByLabelText("Description"), "Orders, edited");
  await user.click(await screen.findByRole("checkbox", { name: "order.paid" }));
  await user.click(screen.getByText("Advanced options"));
  await user.clear(screen.getByLabelText("Rate limit (per second)"));
  await user.clear(screen.getByLabelText("Filter"));
  await user.clear(screen.getByLabelText("Retry schedule"));
  await user.click(screen.getByRole("button", { name: "Remove header" }));
  await user.click(screen.getByRole("button", { name: "Save changes" }));

  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([
    {
      description: "Orders, edited",
      events: ["order.created", "order.paid", "legacy.*"],
      rate_limit: null,
      filter: null,
      retry_schedule: null,
      headers: {},
    },
  ]);
});

test("a server error on a field shows there, and the form stays", async () => {
  const user = userEvent.setup();
  fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": () => ({
      status: 422,
      body: { status: 422, code: "validation_failed", errors: [{ field: "filter", code: "invalid_filter", message: "expected a value after '>' (at character 8)" }] },
    }),
  });
  renderPage(<EditWebhook />, at);
  await user.click(await screen.findByText("Advanced options"));
  await user.clear(screen.getByLabelText("Filter"));
  await user.type(screen.getByLabelText("Filter"), "data.x >");
  await user.click(screen.getByRole("button", { name: "Save changes" }));
  await waitFor(() =>
    expect(screen.getByLabelText("Filter")).toHaveAccessibleDescription(/Expected a value after '>' \(at character 8\)\./),
  );
  expect(screen.getByRole("button", { name: "Save changes" })).toBeEnabled();
});

test("a subscribed name that no list offers any more stays ticked, and can be unticked and ticked again", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: { ...stored, events: ["order.created", "refund.issued", "legacy.*"] } }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": (call) => ({ status: 200, body: { ...stored, ...(call.body as object) } }),
  });
  renderPage(<EditWebhook />, at);
  const also = await screen.findByRole("group", { name: "Also subscribed" });
  const refund = within(also).getByRole("checkbox", { name: "refund.issued" });
  expect(refund).toBeChecked();
  expect(screen.getByLabelText("Other events")).toHaveValue("legacy.*");
  await user.click(refund);
  expect(within(also).getByRole("checkbox", { name: "refund.issued" })).not.toBeChecked();
  await user.click(within(also).getByRole("checkbox", { name: "refund.issued" }));
  await user.click(screen.getByRole("checkbox", { name: "webhook.disabled" }));
  await user.click(screen.getByRole("button", { name: "Save changes" }));
  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([
    { events: ["order.created", "refund.issued", "webhook.disabled", "legacy.*"] },
  ]);
});

test("an unknown webhook is reported in words", async () => {
  fakeApi(catalogRoutes);
  renderPage(<EditWebhook />, at);
  expect(await screen.findByRole("alert")).toHaveTextContent("isn't there");
});

test("changing the scheme says what saving will do, and sends only the new scheme", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": () => ({
      status: 200,
      body: {
        ...stored, signature: { scheme: "v1a", simple_header: "x-webhook-signature", simple_prefix: "" },
        public_key: "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=", secret: "whsk_new",
        previous_secret_expires_at: "2026-11-30T06:00:00.000Z",
      },
    }),
  });
  renderPage(<EditWebhook />, at);
  await user.click(await screen.findByText("Advanced options"));
  const scheme = screen.getByLabelText("Signature scheme");
  expect(scheme).toHaveValue("v1");
  expect(screen.getByLabelText("Simple signature header")).toHaveValue("x-webhook-signature");
  expect(screen.queryByText(/Saving makes a new/)).not.toBeInTheDocument();
  await user.selectOptions(scheme, "v1a");
  expect(screen.getByRole("status")).toHaveTextContent(
    "Saving makes a new Ed25519 key pair, shown on the webhook's page. The current one keeps signing beside it for 24 hours",
  );
  await user.click(screen.getByRole("button", { name: "Save changes" }));
  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([{ signature: { scheme: "v1a" } }]);
});

test("a changed simple header is sent; cleared, it goes back to the default name", async () => {
  const user = userEvent.setup();
  const withHeader = { ...stored, signature: { scheme: "v1", simple_header: "x-hub-signature-256", simple_prefix: "sha256=" } };
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: withHeader }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": () => ({ status: 200, body: withHeader }),
  });
  renderPage(<EditWebhook />, at);
  await user.click(await screen.findByText("Advanced options"));
  expect(screen.getByLabelText("Simple signature prefix")).toHaveValue("sha256=");
  await user.clear(screen.getByLabelText("Simple signature header"));
  await user.clear(screen.getByLabelText("Simple signature prefix"));
  await user.click(screen.getByRole("button", { name: "Save changes" }));
  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([
    { signature: { simple_header: "x-webhook-signature", simple_prefix: "" } },
  ]);
});

test("the breaker and ordering are filled from the webhook, and only what changed is sent", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": (call) => ({ status: 200, body: { ...stored, ...(call.body as object) } }),
  });
  renderPage(<EditWebhook />, at);
  await user.click(await screen.findByText("Advanced options"));
  expect(screen.getByLabelText("Opens after failed attempts")).toHaveValue("5");
  expect(screen.getByLabelText("Disable when open for")).toHaveValue("3d");
  await user.clear(screen.getByLabelText("First probe after"));
  await user.type(screen.getByLabelText("First probe after"), "10s");
  await user.clear(screen.getByLabelText("Disable when open for"));
  await user.type(screen.getByLabelText("Disable when open for"), "never");
  await user.selectOptions(screen.getByLabelText("Deliver in publish order"), "field");
  await user.type(screen.getByLabelText("Field"), "data.order_id");
  await user.click(screen.getByRole("button", { name: "Save changes" }));

  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([
    { breaker: { cooldown: "10s", disable_after: null }, ordering: "json:data.order_id" },
  ]);
});

test("turning the breaker off hides its numbers and sends enabled: false", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: stored }),
    ...catalogRoutes,
    "PATCH /api/webhooks/wh_1": (call) => ({ status: 200, body: { ...stored, ...(call.body as object) } }),
  });
  renderPage(<EditWebhook />, at);
  await user.click(await screen.findByText("Advanced options"));
  await user.click(screen.getByRole("checkbox", { name: /Stop sending while the URL keeps failing/ }));
  expect(screen.queryByLabelText("Opens after failed attempts")).not.toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Save changes" }));
  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(patches(calls).map((c) => c.body)).toEqual([{ breaker: { enabled: false } }]);
});

// The webhook page: its header and settings, a clear "not found", pausing it, and deleting it
// only after confirmation.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage, type FakeRoutes } from "../test/render";
import { WebhookPage } from "./WebhookPage";
import { aWebhook } from "../components/webhook/testData";

const STATS = {
  window: "24h", bucket_seconds: 3600, attempts: 4, succeeded: 3, failed: 1, attempt_success_rate: 0.75,
  latency_ms: { average: 20, p50: 12.4, p95: 40, p99: 55, min: 3, max: 55 },
  buckets: [{ start: "2026-11-29T05:00:00.000Z", succeeded: 3, failed: 1, average_latency_ms: 20 }],
};

function pageApi(extra: FakeRoutes = {}) {
  return fakeApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: aWebhook() }),
    "GET /api/webhooks/wh_1/logs": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "GET /api/webhooks/wh_1/stats": () => ({ status: 200, body: STATS }),
    ...extra,
  });
}

const renderWebhook = () => renderPage(<WebhookPage />, { path: "/webhooks/wh_1", route: "/webhooks/:id" });

test("shows the URL as the title, the state, events and settings, charts and figures", async () => {
  const calls = pageApi();
  renderWebhook();
  expect(await screen.findByRole("heading", { level: 1, name: "https://shop.example/hooks" })).toBeInTheDocument();
  expect(screen.getByText("active")).toBeInTheDocument();
  expect(screen.getByText("wh_1")).toBeInTheDocument();
  expect(screen.getByLabelText("Subscribed events")).toHaveTextContent("order.createdorder.paid");
  expect(screen.getByText("Orders to the shop")).toBeInTheDocument();
  expect(screen.getByText("1m, 5m")).toBeInTheDocument();
  expect(screen.getByText("X-Api-Key")).toBeInTheDocument();
  expect(screen.queryByText("shop-key")).not.toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Edit" })).toHaveAttribute("href", "/webhooks/wh_1/edit");
  expect(await screen.findByRole("img", { name: /Attempts over time: 3 succeeded and 1 failed/ })).toBeInTheDocument();
  expect(screen.getByText("75.0%")).toBeInTheDocument();
  // "Attempt success", with what it counts; no figure is called just "Success rate".
  expect(screen.getByText("Attempt success")).toBeInTheDocument();
  expect(screen.getByText("of attempts, last 24 hours")).toBeInTheDocument();
  expect(screen.queryByText("Success rate")).not.toBeInTheDocument();
  expect(screen.getByText("12 ms")).toBeInTheDocument();
  // The failure streak counts deliveries, and says when one counts.
  expect(screen.getByText("0 failed deliveries in a row")).toBeInTheDocument();
  expect(screen.getByText(/counts as failed once its retries are exhausted/)).toHaveTextContent(
    "the breaker decides when to stop and disable",
  );
  // The breaker's settings and the circuit's state; no notice while it is closed.
  expect(screen.getByText(/opens after 5 failed attempts in a row; probes after 30s, doubling up to 1h/)).toBeInTheDocument();
  expect(screen.queryByRole("heading", { name: "Circuit open" })).not.toBeInTheDocument();
  expect(screen.getByText("none: deliveries run side by side")).toBeInTheDocument();
  expect(screen.getByLabelText("Window")).toHaveValue("24h");
  expect([...(screen.getByLabelText("Window") as HTMLSelectElement).options].map((o) => o.value)).toEqual([
    "1h", "6h", "24h", "7d",
  ]);
  expect(await screen.findByText("No delivery attempts yet.")).toBeInTheDocument();
  expect(calls.some((c) => c.path === "/api/webhooks/wh_1/stats?window=24h")).toBe(true);

  await userEvent.setup().selectOptions(screen.getByLabelText("Window"), "7d");
  await waitFor(() => expect(calls.some((c) => c.path === "/api/webhooks/wh_1/stats?window=7d")).toBe(true));
});

test("an unknown webhook says it is not there, with a way back", async () => {
  fakeApi({});
  renderWebhook();
  expect(await screen.findByRole("heading", { level: 1, name: "Webhook not found" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Back to webhooks" })).toHaveAttribute("href", "/webhooks");
});

test("Disable posts to /disable and the button becomes Enable", async () => {
  let webhook = aWebhook();
  const calls = pageApi({
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: webhook }),
    "POST /api/webhooks/wh_1/disable": () => {
      webhook = aWebhook({ active: false, disabled_reason: "manual" });
      return { status: 200, body: webhook };
    },
  });
  renderWebhook();
  await userEvent.setup().click(await screen.findByRole("button", { name: "Disable" }));
  expect(await screen.findByRole("button", { name: "Enable" })).toBeInTheDocument();
  expect(screen.getAllByText(/disabled by hand/).length).toBeGreaterThan(0);
  expect(calls.some((c) => c.method === "POST" && c.path === "/api/webhooks/wh_1/disable")).toBe(true);
});

test("Delete asks first, then deletes and goes to the list", async () => {
  const calls = pageApi({ "DELETE /api/webhooks/wh_1": () => ({ status: 204 }) });
  const user = userEvent.setup();
  renderWebhook();
  await user.click(await screen.findByRole("button", { name: "Delete" }));
  const dialog = screen.getByRole("alertdialog", { name: "Delete webhook" });
  expect(calls.some((c) => c.method === "DELETE")).toBe(false);
  await user.click(within(dialog).getByRole("button", { name: "Delete webhook" }));
  expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/webhooks/wh_1"]);
});

test("an open circuit says since when, why, and when the next probe comes", async () => {
  const soon = new Date(Date.now() + 25_000).toISOString();
  const opened = new Date(Date.now() - 120_000).toISOString();
  pageApi({
    "GET /api/webhooks/wh_1": () => ({
      status: 200,
      body: aWebhook({
        circuit: { state: "open", opened_at: opened, next_probe_at: soon, reason: "HTTP 503" },
        ordering: "json:data.order_id",
      }),
    }),
  });
  renderWebhook();
  const notice = await screen.findByRole("status", { name: "Circuit open" });
  expect(notice).toHaveTextContent("5 attempts in a row failed (the last: HTTP 503)");
  expect(notice).toHaveTextContent("wait without using up their retries");
  expect(within(notice).getByText("in 25 s")).toHaveAttribute("dateTime", soon);
  expect(notice).toHaveTextContent("up to 1h");
  expect(notice).toHaveTextContent("Send test closes the circuit at once");
  expect(notice).toHaveTextContent("3d open, as failing");
  expect(screen.getByText("per value of data.order_id: in publish order within each value")).toBeInTheDocument();
});

test("with the breaker off the failure streak's rule is the server's", async () => {
  pageApi({
    "GET /api/webhooks/wh_1": () => ({
      status: 200,
      body: aWebhook({ breaker: { enabled: false, failures: 5, cooldown: "30s", max_cooldown: "1h", disable_after: "3d" } }),
    }),
  });
  renderWebhook();
  expect(await screen.findByText(/counts as failed once its retries are exhausted/)).toHaveTextContent(
    "HOOKD_DISABLE_AFTER_FAILURES, default 10",
  );
  expect(screen.getByText(/^off: failing deliveries use up their retries/)).toBeInTheDocument();
});

// The webhooks list: rows with state and attempt success (24 h), the server-side filters sent as query
// parameters, the search on the page, and the two empty states.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Webhooks } from "./Webhooks";
import { fakeApi, renderPage } from "../test/render";

const webhook = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id, url, events: ["order.created", "order.paid"], description: "", tenant: "default", active: true,
  disabled_reason: null, filter: null, rate_limit: null, max_in_flight: 10, effective_in_flight: 10, timeout_ms: 10000,
  retry_schedule: null, headers: {}, failure_streak: 0,
  circuit: { state: "closed", opened_at: null, next_probe_at: null, reason: null },
  breaker: { enabled: true, failures: 5, cooldown: "30s", max_cooldown: "1h", disable_after: "3d" }, ordering: null, signature: { scheme: "v1", simple_header: "x-webhook-signature", simple_prefix: "" }, public_key: null, created_at: "2026-11-29T06:00:00.000Z",
  updated_at: "2026-11-29T06:00:00.000Z", ...extra,
});

const stats = (attempts: number, succeeded: number) => ({
  status: 200,
  body: {
    window: "24h", bucket_seconds: 1440, attempts, succeeded, failed: attempts - succeeded,
    attempt_success_rate: attempts ? succeeded / attempts : null,
    latency_ms: { average: null, p50: null, p95: null, p99: null }, buckets: [],
  },
});

const list = [
  webhook("wh_1", "https://shop.example/hooks", { description: "Orders to the shop" }),
  webhook("wh_2", "https://gone.example/hooks", { active: false, disabled_reason: "gone", tenant: "acme" }),
];

test("lists each webhook with its events, state, attempt success and tenant", async () => {
  const calls = fakeApi({
    "GET /api/webhooks": () => ({ status: 200, body: { data: list, next_cursor: null } }),
    "GET /api/webhooks/wh_1/stats": () => stats(8, 6),
    "GET /api/webhooks/wh_2/stats": () => stats(0, 0),
  });
  renderPage(<Webhooks />);
  const table = await screen.findByRole("table", { name: "Webhooks" });
  const rows = within(table).getAllByRole("row").slice(1);
  expect(rows).toHaveLength(2);
  expect(within(rows[0]).getByRole("link", { name: "https://shop.example/hooks" })).toHaveAttribute("href", "/webhooks/wh_1");
  expect(rows[0]).toHaveTextContent("order.created, order.paid");
  expect(rows[0]).toHaveTextContent("active");
  expect(rows[0]).toHaveTextContent("Orders to the shop");
  await waitFor(() => expect(rows[0]).toHaveTextContent("75.0%"));
  expect(rows[1]).toHaveTextContent("disabled: receiver answered 410 Gone");
  expect(rows[1]).toHaveTextContent("acme");
  await waitFor(() => expect(rows[1]).toHaveTextContent("—"));
  expect(within(table).getByRole("columnheader", { name: "Tenant" })).toBeInTheDocument();
  expect(within(table).getByRole("columnheader", { name: "Attempt success (24 h)" })).toBeInTheDocument();
  expect(within(table).queryByRole("columnheader", { name: /^Success rate/ })).not.toBeInTheDocument();
  expect(calls.some((c) => c.path === "/api/webhooks/wh_1/stats?window=24h")).toBe(true);
  expect(calls.find((c) => c.path.startsWith("/api/webhooks?"))?.path).toBe("/api/webhooks?limit=50");
});

test("the Status and Event filters go to the server; Search filters on the page", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/webhooks": (call) => ({
      status: 200,
      body: { data: call.path.includes("active=false") ? [list[1]] : list, next_cursor: null },
    }),
    "GET /api/webhooks/wh_1/stats": () => stats(1, 1),
    "GET /api/webhooks/wh_2/stats": () => stats(1, 1),
  });
  renderPage(<Webhooks />);
  await screen.findByRole("link", { name: "https://shop.example/hooks" });

  await user.type(screen.getByRole("searchbox", { name: "Search" }), "orders to");
  expect(screen.queryByRole("link", { name: "https://gone.example/hooks" })).not.toBeInTheDocument();
  expect(screen.getByRole("link", { name: "https://shop.example/hooks" })).toBeInTheDocument();
  await user.clear(screen.getByRole("searchbox", { name: "Search" }));

  await user.selectOptions(screen.getByLabelText("Status"), "Disabled");
  await waitFor(() => expect(calls.some((c) => c.path === "/api/webhooks?limit=50&active=false")).toBe(true));
  await waitFor(() =>
    expect(screen.queryByRole("link", { name: "https://shop.example/hooks" })).not.toBeInTheDocument(),
  );
  expect(screen.getByRole("link", { name: "https://gone.example/hooks" })).toBeInTheDocument();

  await user.type(screen.getByLabelText("Event"), "order.paid");
  await waitFor(() =>
    expect(calls.some((c) => c.path === "/api/webhooks?limit=50&active=false&event=order.paid")).toBe(true),
  );
  // One request for the whole name, not one per keystroke.
  expect(calls.filter((c) => c.path.includes("event=order.pai&") || c.path.endsWith("event=order.pai"))).toHaveLength(0);
});

test("with no webhooks it says how to start, and a tenant sees no Tenant column", async () => {
  fakeApi({ "GET /api/webhooks": () => ({ status: 200, body: { data: [], next_cursor: null } }) });
  renderPage(<Webhooks />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  expect(await screen.findByText("No webhooks yet.")).toBeInTheDocument();
  expect(screen.getAllByRole("link", { name: "Add webhook" })).toHaveLength(2);
  expect(screen.queryByRole("table", { name: "Webhooks" })).not.toBeInTheDocument();
});

test("when filters match nothing it says so and can clear them", async () => {
  const user = userEvent.setup();
  fakeApi({
    "GET /api/webhooks": () => ({ status: 200, body: { data: [list[0]], next_cursor: null } }),
    "GET /api/webhooks/wh_1/stats": () => stats(1, 1),
  });
  renderPage(<Webhooks />);
  await screen.findByRole("link", { name: "https://shop.example/hooks" });
  await user.type(screen.getByRole("searchbox", { name: "Search" }), "nothing like it");
  expect(screen.getByText("No webhooks match these filters.")).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Clear filters" }));
  expect(screen.getByRole("link", { name: "https://shop.example/hooks" })).toBeInTheDocument();
});

test("an error from the server is shown in words", async () => {
  fakeApi({ "GET /api/webhooks": () => ({ status: 503, body: { code: "unavailable", status: 503 } }) });
  renderPage(<Webhooks />);
  expect(await screen.findByRole("alert")).toHaveTextContent("database is not answering");
});

test("a webhook whose circuit is open or probing says so beside its state", async () => {
  const open = { state: "open", opened_at: "2026-11-29T06:00:00.000Z", next_probe_at: "2026-11-29T06:01:00.000Z", reason: "HTTP 500" };
  fakeApi({
    "GET /api/webhooks": () => ({
      status: 200,
      body: {
        data: [
          webhook("wh_1", "https://down.example/hooks", { circuit: open }),
          webhook("wh_2", "https://probed.example/hooks", { circuit: { ...open, state: "half_open" } }),
          webhook("wh_3", "https://fine.example/hooks"),
        ],
        next_cursor: null,
      },
    }),
    "GET /api/webhooks/wh_1/stats": () => stats(0, 0),
    "GET /api/webhooks/wh_2/stats": () => stats(0, 0),
    "GET /api/webhooks/wh_3/stats": () => stats(0, 0),
  });
  renderPage(<Webhooks />);
  const rows = within(await screen.findByRole("table", { name: "Webhooks" })).getAllByRole("row").slice(1);
  expect(rows[0]).toHaveTextContent("active circuit open");
  expect(rows[1]).toHaveTextContent("active circuit probing");
  expect(rows[2]).not.toHaveTextContent("circuit");
});

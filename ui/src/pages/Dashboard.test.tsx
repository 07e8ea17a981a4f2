// The dashboard: figures from the metrics and the statistics, each success rate named for what
// it counts, charts for the window (24 hours unless changed), and the webhooks that are disabled
// or failing (and only those).
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Dashboard } from "./Dashboard";
import { fakeApi, renderPage } from "../test/render";

const webhook = (id: string, url: string, active: boolean, streak: number, reason: string | null = null) => ({
  id, url, active, failure_streak: streak, disabled_reason: reason, signature: { scheme: "v1", simple_header: "x-webhook-signature", simple_prefix: "" }, public_key: null, events: ["*"], description: "",
  tenant: "default", filter: null, rate_limit: null, max_in_flight: 10, effective_in_flight: 10, timeout_ms: 10000,
  retry_schedule: null, headers: {}, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z",
});

const stats = (window: string) => ({
  status: 200,
  body: {
    window, bucket_seconds: 1440, attempts: 11, succeeded: 8, failed: 3, attempt_success_rate: 8 / 11,
    latency_ms: { average: 12.5, p50: 0.3, p95: 30, p99: 40, min: 0, max: 41 },
    buckets: [
      { start: "2026-11-29T05:00:00.000Z", succeeded: 5, failed: 0, average_latency_ms: 10 },
      { start: "2026-11-29T05:24:00.000Z", succeeded: 3, failed: 3, average_latency_ms: 15 },
    ],
  },
});

test("shows both success rates, labelled by what they count, the charts and the webhooks needing attention", async () => {
  const calls = fakeApi({
    "GET /api/webhooks/metrics": () => ({
      status: 200,
      body: { total: 10, delivered: 8, failed: 1, pending: 1, delivery_success_rate: 8 / 9, average_latency_ms: 99 },
    }),
    "GET /api/stats": (call) => stats(new URL(call.path, "http://x").searchParams.get("window") ?? ""),
    "GET /api/webhooks": () => ({
      status: 200,
      body: {
        data: [
          webhook("wh_1", "https://ok.example/hooks", true, 0),
          webhook("wh_2", "https://flaky.example/hooks", true, 3),
          webhook("wh_3", "https://gone.example/hooks", false, 0, "gone"),
        ],
        next_cursor: null,
      },
    }),
  });
  renderPage(<Dashboard />);
  await waitFor(() => expect(screen.getByLabelText("Delivery success")).toHaveTextContent("88.9%"));
  expect(screen.getByLabelText("Delivery success")).toHaveAccessibleDescription("of all finished deliveries");
  await waitFor(() => expect(screen.getByLabelText("Attempt success")).toHaveTextContent("72.7%"));
  expect(screen.getByLabelText("Attempt success")).toHaveAccessibleDescription("of attempts, last 24 hours");
  expect(screen.queryByText("Success rate")).not.toBeInTheDocument();
  expect(screen.getByLabelText("Pending")).toHaveTextContent("1");
  // The average is the window's, in whole milliseconds; a percentile under half a millisecond is "<1 ms".
  expect(screen.getByLabelText("Average latency")).toHaveTextContent("13 ms");
  expect(screen.getByText(/p50 <1 ms · p95 30 ms · p99 40 ms/)).toBeInTheDocument();
  expect(await screen.findByRole("img", { name: /Attempts over time: 8 succeeded and 3 failed/ })).toBeInTheDocument();
  expect(screen.getByRole("img", { name: /Average latency over time: average from 10 ms to 15 ms/ })).toBeInTheDocument();
  expect(await screen.findByRole("link", { name: "https://flaky.example/hooks" })).toBeInTheDocument();
  expect(screen.getByRole("columnheader", { name: "Failed deliveries in a row" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "https://gone.example/hooks" })).toBeInTheDocument();
  expect(screen.getByText("disabled: receiver answered 410 Gone")).toBeInTheDocument();
  expect(screen.queryByRole("link", { name: "https://ok.example/hooks" })).not.toBeInTheDocument();
  expect(calls.some((c) => c.path === "/api/stats?window=24h")).toBe(true);

  await userEvent.setup().selectOptions(screen.getByLabelText("Window"), "last 7 days");
  await waitFor(() => expect(calls.some((c) => c.path === "/api/stats?window=7d")).toBe(true));
  expect(screen.getByLabelText("Attempt success")).toHaveAccessibleDescription("of attempts, last 7 days");
});

test("offers the same windows as a webhook's page, 24 hours first chosen", async () => {
  fakeApi({ "GET /api/stats": () => stats("24h") });
  renderPage(<Dashboard />);
  const window = screen.getByLabelText("Window");
  expect(window).toHaveValue("24h");
  expect([...(window as HTMLSelectElement).options].map((o) => o.value)).toEqual(["1h", "6h", "24h", "7d"]);
});

test("with no webhooks it says how to start", async () => {
  fakeApi({
    "GET /api/webhooks/metrics": () => ({ status: 200, body: { total: 0, delivered: 0, failed: 0, pending: 0, delivery_success_rate: null, average_latency_ms: null } }),
    "GET /api/stats": () => ({ status: 200, body: { window: "24h", bucket_seconds: 1440, attempts: 0, succeeded: 0, failed: 0, attempt_success_rate: null, latency_ms: { average: null, p50: null, p95: null, p99: null, min: null, max: null }, buckets: [] } }),
    "GET /api/webhooks": () => ({ status: 200, body: { data: [], next_cursor: null } }),
  });
  renderPage(<Dashboard />);
  expect(await screen.findByRole("link", { name: "Add the first one" })).toBeInTheDocument();
  expect(screen.getByLabelText("Delivery success")).toHaveTextContent("—");
  expect(screen.getByLabelText("Attempt success")).toHaveTextContent("—");
});

// The dashboard: figures from the metrics, charts from the statistics, and the webhooks that
// are disabled or failing (and only those).
import { screen, waitFor } from "@testing-library/react";
import { Dashboard } from "./Dashboard";
import { fakeApi, renderPage } from "../test/render";

const webhook = (id: string, url: string, active: boolean, streak: number, reason: string | null = null) => ({
  id, url, active, failure_streak: streak, disabled_reason: reason, events: ["*"], description: "",
  tenant: "default", filter: null, rate_limit: null, max_in_flight: 10, timeout_ms: 10000,
  retry_schedule: null, headers: {}, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z",
});

test("shows the figures, both charts and the webhooks needing attention", async () => {
  const calls = fakeApi({
    "GET /api/webhooks/metrics": () => ({
      status: 200,
      body: { total: 10, delivered: 8, failed: 1, pending: 1, success_rate: 8 / 9, average_latency_ms: 12.5 },
    }),
    "GET /api/stats": () => ({
      status: 200,
      body: {
        window: "6h", bucket_seconds: 360, attempts: 11, succeeded: 8, failed: 3, success_rate: 8 / 11,
        latency_ms: { average: 12.5, p50: 10, p95: 30, p99: 40 },
        buckets: [
          { start: "2026-11-29T05:00:00.000Z", succeeded: 5, failed: 0, average_latency_ms: 10 },
          { start: "2026-11-29T05:06:00.000Z", succeeded: 3, failed: 3, average_latency_ms: 15 },
        ],
      },
    }),
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
  await waitFor(() => expect(screen.getByLabelText("Success rate")).toHaveTextContent("88.9%"));
  expect(screen.getByLabelText("Pending")).toHaveTextContent("1");
  expect(await screen.findByRole("img", { name: /Attempts over time: 8 succeeded and 3 failed/ })).toBeInTheDocument();
  expect(screen.getByRole("img", { name: /Average latency over time: average from 10 to 15 ms/ })).toBeInTheDocument();
  expect(await screen.findByRole("link", { name: "https://flaky.example/hooks" })).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "https://gone.example/hooks" })).toBeInTheDocument();
  expect(screen.getByText("disabled: receiver answered 410 Gone")).toBeInTheDocument();
  expect(screen.queryByRole("link", { name: "https://ok.example/hooks" })).not.toBeInTheDocument();
  expect(calls.some((c) => c.path === "/api/stats?window=6h")).toBe(true);
});

test("with no webhooks it says how to start", async () => {
  fakeApi({
    "GET /api/webhooks/metrics": () => ({ status: 200, body: { total: 0, delivered: 0, failed: 0, pending: 0, success_rate: null, average_latency_ms: null } }),
    "GET /api/stats": () => ({ status: 200, body: { window: "6h", bucket_seconds: 360, attempts: 0, succeeded: 0, failed: 0, success_rate: null, latency_ms: { average: null, p50: null, p95: null, p99: null }, buckets: [] } }),
    "GET /api/webhooks": () => ({ status: 200, body: { data: [], next_cursor: null } }),
  });
  renderPage(<Dashboard />);
  expect(await screen.findByRole("link", { name: "Add the first one" })).toBeInTheDocument();
  expect(screen.getByLabelText("Success rate")).toHaveTextContent("—");
});

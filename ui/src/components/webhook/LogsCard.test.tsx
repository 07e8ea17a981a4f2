// A webhook's attempts table: rows show what happened; a delivery that has not succeeded offers
// one Retry (on its newest failed attempt; it posts to the delivery's retry route), one that
// succeeded later offers none; the filters reach the API as query parameters.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { LogsCard } from "./LogsCard";
import { anAttempt } from "./testData";

const attempts = [
  anAttempt({ id: "att_3", delivery_id: "dlv_2", event_type: "order.paid", attempt: 3, status: "failed", response_code: 500, duration_ms: 1234, delivery_status: "failed" }),
  anAttempt({ id: "att_2", delivery_id: "dlv_2", event_type: "order.paid", attempt: 2, status: "failed", response_code: null, error: "connection refused", duration_ms: 0, delivery_status: "failed" }),
  anAttempt({ id: "att_1", delivery_id: "dlv_1", event_type: "order.created", attempt: 1, status: "succeeded", response_code: 200, duration_ms: 42, delivery_status: "succeeded" }),
];

function logsApi(data = attempts) {
  return fakeApi({
    "GET /api/webhooks/wh_1/logs": () => ({ status: 200, body: { data, next_cursor: null } }),
    "POST /api/deliveries/dlv_2/retry": () => ({ status: 202, body: { delivery_id: "dlv_2", status: "pending" } }),
  });
}

test("rows show status, response code, event, attempt number and duration", async () => {
  logsApi();
  renderPage(<LogsCard webhookId="wh_1" />);
  const table = await screen.findByRole("table", { name: "Delivery attempts" });
  const rows = within(table).getAllByRole("row").slice(1);
  expect(rows).toHaveLength(3);
  expect(rows[0]).toHaveTextContent("failed");
  expect(rows[0]).toHaveTextContent("500");
  expect(rows[0]).toHaveTextContent("order.paid");
  expect(rows[0]).toHaveTextContent("#3");
  expect(rows[1]).toHaveTextContent("connection refused");
  expect(rows[1]).toHaveTextContent("<1 ms");
  expect(rows[0]).toHaveTextContent("1234 ms");
  expect(rows[2]).toHaveTextContent("succeeded");
  expect(rows[2]).toHaveTextContent("200");
  expect(rows[2]).toHaveTextContent("42 ms");
  expect(within(rows[2]).getByRole("link", { name: "Details of attempt 1 of order.created" })).toHaveAttribute(
    "href",
    "/deliveries/dlv_1",
  );
});

test("a failed delivery has one Retry, on its newest attempt, and it posts to the delivery's retry route", async () => {
  const calls = logsApi();
  renderPage(<LogsCard webhookId="wh_1" />);
  const table = await screen.findByRole("table", { name: "Delivery attempts" });
  const rows = within(table).getAllByRole("row").slice(1);
  expect(within(rows[0]).getByRole("button", { name: "Retry delivery of order.paid" })).toBeInTheDocument();
  expect(within(rows[1]).queryByRole("button", { name: /Retry/ })).not.toBeInTheDocument();
  expect(within(rows[2]).queryByRole("button", { name: /Retry/ })).not.toBeInTheDocument();

  await userEvent.setup().click(within(rows[0]).getByRole("button", { name: "Retry delivery of order.paid" }));
  await waitFor(() =>
    expect(screen.getAllByRole("status").some((s) => s.textContent?.includes("Retry queued"))).toBe(true),
  );
  expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/deliveries/dlv_2/retry"]);
});

test("failed attempts of a delivery that succeeded later, or was cancelled, offer no Retry", async () => {
  logsApi([
    anAttempt({ id: "att_6", delivery_id: "dlv_3", event_type: "order.paid", attempt: 2, status: "succeeded", delivery_status: "succeeded" }),
    anAttempt({ id: "att_5", delivery_id: "dlv_3", event_type: "order.paid", attempt: 1, status: "failed", response_code: 500, delivery_status: "succeeded" }),
    anAttempt({ id: "att_4", delivery_id: "dlv_4", event_type: "order.created", attempt: 1, status: "failed", response_code: 500, delivery_status: "cancelled" }),
    anAttempt({ id: "att_3", delivery_id: "dlv_5", event_type: "invoice.sent", attempt: 1, status: "failed", response_code: 500, delivery_status: null }),
    anAttempt({ id: "att_2", delivery_id: "dlv_6", event_type: "user.signed_up", attempt: 1, status: "failed", response_code: 503, delivery_status: "pending" }),
  ]);
  renderPage(<LogsCard webhookId="wh_1" />);
  const table = await screen.findByRole("table", { name: "Delivery attempts" });
  const rows = within(table).getAllByRole("row").slice(1);
  expect(within(table).getAllByRole("button", { name: /Retry/ })).toEqual([
    within(rows[4]).getByRole("button", { name: "Retry delivery of user.signed_up" }),
  ]);
  expect(rows[1]).toHaveTextContent("delivered later");
  expect(rows[2]).toHaveTextContent("delivery cancelled");
});

test("a failed retry is shown in words", async () => {
  fakeApi({
    "GET /api/webhooks/wh_1/logs": () => ({ status: 200, body: { data: attempts, next_cursor: null } }),
    "POST /api/deliveries/dlv_2/retry": () => ({
      status: 503,
      body: { code: "unavailable", status: 503, title: "Service Unavailable", detail: "db down" },
    }),
  });
  renderPage(<LogsCard webhookId="wh_1" />);
  await userEvent.setup().click((await screen.findAllByRole("button", { name: "Retry delivery of order.paid" }))[0]);
  expect(await screen.findByRole("alert")).toHaveTextContent("database is not answering");
});

test("the filters are sent as status, event, since and until", async () => {
  const calls = logsApi();
  const user = userEvent.setup();
  renderPage(<LogsCard webhookId="wh_1" />);
  await screen.findByRole("table", { name: "Delivery attempts" });

  await user.selectOptions(screen.getByLabelText("Status"), "Failed");
  await waitFor(() => expect(calls.some((c) => c.path.includes("status=failed"))).toBe(true));

  await user.type(screen.getByLabelText("Event type"), "order.paid");
  await waitFor(() => expect(calls.some((c) => c.path.includes("event=order.paid"))).toBe(true));

  // datetime-local is local time; the API gets RFC 3339 UTC.
  await user.type(screen.getByLabelText("Since"), "2026-11-29T08:30");
  const since = new Date("2026-11-29T08:30").toISOString();
  await waitFor(() => {
    const last = new URL(calls[calls.length - 1].path, "http://x").searchParams;
    expect(last.get("since")).toBe(since);
    expect(last.get("status")).toBe("failed");
    expect(last.get("event")).toBe("order.paid");
  });
});

test("without attempts it says so and points at Send test", async () => {
  logsApi([]);
  renderPage(<LogsCard webhookId="wh_1" />);
  expect(await screen.findByText("No delivery attempts yet.")).toBeInTheDocument();
  expect(screen.getByText(/Send test/)).toBeInTheDocument();
  expect(screen.queryByRole("table")).not.toBeInTheDocument();
});

// The events list: one row per event with its delivery statuses (fetched per row), filters sent
// to the server, and an empty state that points at publishing.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Events } from "./Events";
import { fakeApi, renderPage } from "../test/render";

const summary = (id: string, type: string, deliveries: number, tenant = "default") => ({
  id, type, tenant, timestamp: new Date(Date.now() - 120_000).toISOString(), idempotency_key: null, deliveries,
});
const delivery = (id: string, status: string) => ({
  id, event_id: "evt_1", webhook_id: "wh_1", tenant: "default", event_type: "order.paid", status,
  attempt_count: 1, next_attempt_at: null, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:01.000Z",
});

test("renders a row per event with its deliveries summed up", async () => {
  const calls = fakeApi({
    "GET /api/events": () => ({
      status: 200,
      body: { data: [summary("evt_1", "order.paid", 3), summary("evt_2", "user.signed_up", 0, "acme")], next_cursor: null },
    }),
    "GET /api/events/evt_1": () => ({
      status: 200,
      body: {
        ...summary("evt_1", "order.paid", 3), data: {},
        deliveries: [delivery("dlv_1", "succeeded"), delivery("dlv_2", "pending"), delivery("dlv_3", "succeeded")],
      },
    }),
  });
  renderPage(<Events />);
  const table = await screen.findByRole("table", { name: "Events" });
  const rows = within(table).getAllByRole("row");
  expect(rows).toHaveLength(3);
  expect(within(rows[1]).getByRole("link", { name: "order.paid" })).toHaveAttribute("href", "/events/evt_1");
  expect(rows[1]).toHaveTextContent("evt_1");
  expect(rows[1]).toHaveTextContent("2 min ago");
  await waitFor(() => expect(rows[1]).toHaveTextContent("2 succeeded · 1 pending"));
  expect(rows[2]).toHaveTextContent("no webhook");
  expect(rows[2]).toHaveTextContent("acme");
  // An event that went nowhere is not fetched.
  expect(calls.some((c) => c.path === "/api/events/evt_2")).toBe(false);
  expect(screen.getByRole("link", { name: "Publish event" })).toHaveAttribute("href", "/events/new");
});

test("filters go to the server", async () => {
  const calls = fakeApi({ "GET /api/events": () => ({ status: 200, body: { data: [], next_cursor: null } }) });
  const user = userEvent.setup();
  renderPage(<Events />);
  expect(await screen.findByText("No events yet.")).toBeInTheDocument();
  await user.type(screen.getByLabelText("Type"), "order.paid");
  await user.type(screen.getByLabelText("Tenant"), "acme");
  await waitFor(() =>
    expect(calls.some((c) => c.path.includes("type=order.paid") && c.path.includes("tenant=acme"))).toBe(true),
  );
  expect(await screen.findByText("No events match these filters.")).toBeInTheDocument();
});

test("with no events it says how to publish one", async () => {
  fakeApi({ "GET /api/events": () => ({ status: 200, body: { data: [], next_cursor: null } }) });
  renderPage(<Events />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  expect(await screen.findByText("No events yet.")).toBeInTheDocument();
  expect(screen.getAllByRole("link", { name: "Publish event" })).toHaveLength(2);
  expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
});

test("an API error is shown in words", async () => {
  fakeApi({
    "GET /api/events": () => ({
      status: 422,
      body: { status: 422, code: "invalid_timestamp", detail: "since: expected an RFC 3339 UTC timestamp" },
    }),
  });
  renderPage(<Events />);
  expect(await screen.findByRole("alert")).toHaveTextContent("since: expected an RFC 3339 UTC timestamp");
});

test("an event that came from an inbox says so and links to its request", async () => {
  fakeApi({
    "GET /api/events": () => ({
      status: 200,
      body: { data: [{ ...summary("evt_1", "github.push", 0), inbox_request_id: "req_9" }], next_cursor: null },
    }),
  });
  renderPage(<Events />);
  const table = await screen.findByRole("table", { name: "Events" });
  expect(within(table).getByRole("link", { name: "From inbox request req_9" })).toHaveAttribute("href", "/inbox-requests/req_9");
});

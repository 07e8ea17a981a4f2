// The event page: the data as published, and each delivery with its webhook's URL and a link to
// its details; an event that went nowhere says why.
import { screen, within } from "@testing-library/react";
import { EventPage } from "./EventPage";
import { fakeApi, renderPage } from "../test/render";

const event = (deliveries: unknown[]) => ({
  id: "evt_1", type: "order.created", tenant: "default", timestamp: "2026-11-29T06:00:00.000Z",
  idempotency_key: "order-42", data: { amount: 42 }, deliveries,
});
const delivery = (id: string, webhookId: string, status: string, next: string | null = null) => ({
  id, event_id: "evt_1", webhook_id: webhookId, tenant: "default", event_type: "order.created", status,
  attempt_count: 2, next_attempt_at: next, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:05.000Z",
});

test("shows the data and the deliveries, named by their webhook's URL", async () => {
  fakeApi({
    "GET /api/events/evt_1": () => ({
      status: 200,
      body: event([delivery("dlv_1", "wh_1", "succeeded"), delivery("dlv_2", "wh_gone", "pending", "2099-01-01T00:00:00.000Z")]),
    }),
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: { id: "wh_1", url: "https://shop.example/hooks" } }),
  });
  renderPage(<EventPage />, { path: "/events/evt_1", route: "/events/:id" });
  expect(await screen.findByRole("heading", { level: 1, name: "order.created" })).toBeInTheDocument();
  expect(screen.getByText(/"amount": 42/).tagName).toBe("PRE");
  const table = screen.getByRole("table", { name: "Deliveries" });
  expect(await within(table).findByRole("link", { name: "https://shop.example/hooks" })).toHaveAttribute("href", "/webhooks/wh_1");
  expect(screen.getByRole("link", { name: "Details of delivery to https://shop.example/hooks" })).toHaveAttribute(
    "href",
    "/deliveries/dlv_1",
  );
  // A webhook that cannot be fetched is named by its id.
  expect(await screen.findByRole("link", { name: "Details of delivery to wh_gone" })).toHaveAttribute("href", "/deliveries/dlv_2");
  const rows = within(table).getAllByRole("row");
  expect(rows[1]).toHaveTextContent("succeeded");
  expect(rows[2]).toHaveTextContent("pending");
  expect(rows[2]).toHaveTextContent(/in \d+ d/);
});

test("an event that went to no webhook says so", async () => {
  fakeApi({ "GET /api/events/evt_1": () => ({ status: 200, body: event([]) }) });
  renderPage(<EventPage />, { path: "/events/evt_1", route: "/events/:id" });
  expect(await screen.findByText(/No webhook subscribed to this event type when it was published/)).toBeInTheDocument();
});

test("a missing event is explained", async () => {
  fakeApi({});
  renderPage(<EventPage />, { path: "/events/evt_nope", route: "/events/:id" });
  expect(await screen.findByRole("alert")).toHaveTextContent(/isn't there/);
});

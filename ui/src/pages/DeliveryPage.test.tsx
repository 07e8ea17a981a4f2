// The delivery page: the payload, every attempt newest first with its request headers and the
// response, links to its event and webhook, and a retry.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../test/render";
import { DeliveryPage } from "./DeliveryPage";
import { anAttempt } from "../components/webhook/testData";

const DELIVERY = {
  id: "dlv_1", event_id: "evt_1", webhook_id: "wh_1", tenant: "default", event_type: "order.paid",
  status: "failed", attempt_count: 2, next_attempt_at: null,
  created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:01:00.000Z",
  payload: { id: "evt_1", type: "order.paid", data: { amount: 42, currency: "EUR" } },
  attempts: [
    { ...anAttempt({ id: "att_1", attempt: 1, status: "failed", response_code: 500, response_body: "oops" }),
      request_headers: [["content-type", "application/json"], ["webhook-signature", "v1,abc="]] },
    { ...anAttempt({ id: "att_2", attempt: 2, status: "failed", response_code: null, response_body: null, error: "connection refused" }),
      request_headers: [["content-type", "application/json"]] },
  ],
};

const renderDelivery = () => renderPage(<DeliveryPage />, { path: "/deliveries/dlv_1", route: "/deliveries/:id" });

test("shows the payload and the attempts, newest first, with headers and bodies", async () => {
  fakeApi({ "GET /api/deliveries/dlv_1": () => ({ status: 200, body: DELIVERY }) });
  renderDelivery();
  expect(await screen.findByRole("article", { name: "Attempt 1" })).toBeInTheDocument();
  expect(screen.getByRole("heading", { level: 1, name: "Delivery" })).toBeInTheDocument();
  expect(screen.getByText(/"currency": "EUR"/)).toBeInTheDocument();
  const articles = screen.getAllByRole("article");
  expect(articles.map((a) => a.getAttribute("aria-label"))).toEqual(["Attempt 2", "Attempt 1"]);
  const first = screen.getByRole("article", { name: "Attempt 1" });
  const headers = within(first).getByRole("table", { name: "Request headers of attempt 1" });
  expect(within(headers).getByText("webhook-signature")).toBeInTheDocument();
  expect(within(first).getByText("oops").tagName).toBe("PRE");
  expect(within(screen.getByRole("article", { name: "Attempt 2" })).getByText("connection refused")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: /evt_1/ })).toHaveAttribute("href", "/events/evt_1");
  expect(screen.getByRole("link", { name: "wh_1" })).toHaveAttribute("href", "/webhooks/wh_1");
});

test("Retry delivery posts the retry, says it is queued and refetches", async () => {
  let status = "failed";
  const calls = fakeApi({
    "GET /api/deliveries/dlv_1": () => ({ status: 200, body: { ...DELIVERY, status } }),
    "POST /api/deliveries/dlv_1/retry": () => {
      status = "pending";
      return { status: 202, body: { delivery_id: "dlv_1", status: "pending" } };
    },
  });
  renderDelivery();
  await userEvent.setup().click(await screen.findByRole("button", { name: "Retry delivery" }));
  await waitFor(() =>
    expect(screen.getAllByRole("status").some((s) => s.textContent?.includes("Retry queued"))).toBe(true),
  );
  expect(await screen.findByText("pending")).toBeInTheDocument();
  expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/deliveries/dlv_1/retry"]);
});

test("an unknown delivery says it is not there", async () => {
  fakeApi({});
  renderDelivery();
  expect(await screen.findByRole("heading", { level: 1, name: "Delivery not found" })).toBeInTheDocument();
});

// The delivery page: the payload, every attempt newest first with its request headers and the
// response (headers and body), links to its event and webhook, and a retry only where it helps:
// a delivery that succeeded asks first, a cancelled one offers none.
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
      request_headers: [["content-type", "application/json"], ["webhook-signature", "v1,abc="], ["X-Api-Key", "***"]],
      response_headers: [["content-type", "text/plain"], ["x-request-id", "req-7"]] },
    { ...anAttempt({ id: "att_2", attempt: 2, status: "failed", response_code: null, response_body: null, error: "connection refused" }),
      request_headers: [["content-type", "application/json"]], response_headers: [] },
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
  expect(within(first).getByText(/\*\*\* stands for the value of one of this webhook's custom headers/)).toBeInTheDocument();
  const response = within(first).getByRole("table", { name: "Response headers of attempt 1" });
  expect(within(response).getByRole("cell", { name: "x-request-id" })).toBeInTheDocument();
  expect(within(response).getByRole("cell", { name: "req-7" })).toBeInTheDocument();
  const second = screen.getByRole("article", { name: "Attempt 2" });
  expect(within(second).getByText("connection refused")).toBeInTheDocument();
  expect(within(second).queryByRole("table", { name: "Response headers of attempt 2" })).not.toBeInTheDocument();
  expect(within(second).getAllByText("No response")).toHaveLength(2);
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

test("a delivery that succeeded is not offered a retry, only a Send again that asks first", async () => {
  const user = userEvent.setup();
  const calls = fakeApi({
    "GET /api/deliveries/dlv_1": () => ({ status: 200, body: { ...DELIVERY, status: "succeeded" } }),
    "POST /api/deliveries/dlv_1/retry": () => ({ status: 202, body: { delivery_id: "dlv_1", status: "pending" } }),
  });
  renderDelivery();
  await user.click(await screen.findByRole("button", { name: "Send again" }));
  expect(screen.queryByRole("button", { name: "Retry delivery" })).not.toBeInTheDocument();
  const dialog = screen.getByRole("alertdialog", { name: "Send again" });
  expect(dialog).toHaveAccessibleDescription(/This delivery succeeded/);
  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(calls.some((c) => c.method === "POST")).toBe(false);
  await user.click(screen.getByRole("button", { name: "Send again" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Send again" }));
  await waitFor(() => expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/deliveries/dlv_1/retry"]));
});

test("a cancelled delivery (its webhook was deleted) offers no retry", async () => {
  fakeApi({ "GET /api/deliveries/dlv_1": () => ({ status: 200, body: { ...DELIVERY, status: "cancelled" } }) });
  renderDelivery();
  expect(await screen.findByText(/cancelled when its webhook was deleted/)).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: /Retry|Send again/ })).not.toBeInTheDocument();
});

test("an unknown delivery says it is not there", async () => {
  fakeApi({});
  renderDelivery();
  expect(await screen.findByRole("heading", { level: 1, name: "Delivery not found" })).toBeInTheDocument();
});

// The publish form: JSON checked while typed (and Publish held back), the exact body sent, the
// server's 422 shown at the field it names, and the result with a link to the event.
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { PublishEvent } from "./PublishEvent";
import { fakeApi, renderPage } from "../test/render";

const catalog = {
  status: 200,
  body: {
    data: [
      {
        id: "et_1", name: "order.created", description: "An order was placed",
        schema: { type: "object", required: ["amount"] }, created_at: "2026-11-29T06:00:00.000Z",
      },
      { id: "et_2", name: "user.signed_up", description: "A user signed up", schema: null, created_at: "2026-11-29T06:00:00.000Z" },
    ],
    next_cursor: null,
  },
};

async function typeData(user: ReturnType<typeof userEvent.setup>, text: string) {
  const data = screen.getByLabelText("Data (JSON)");
  await user.clear(data);
  // user-event treats { and [ as key descriptors; paste types them as they are.
  await user.click(data);
  await user.paste(text);
}

test("invalid JSON is explained at the field and holds Publish back", async () => {
  fakeApi({ "GET /api/event-types": () => catalog });
  const user = userEvent.setup();
  renderPage(<PublishEvent />);
  expect(screen.getByRole("heading", { level: 1, name: "Publish event" })).toBeInTheDocument();
  expect(screen.getByLabelText("Data (JSON)")).toHaveValue("{}");
  expect(screen.getByRole("button", { name: "Publish" })).toBeEnabled();

  await typeData(user, '{"amount": ');
  expect(screen.getByLabelText("Data (JSON)")).toHaveAccessibleDescription(/Not valid JSON: /);
  expect(screen.getByRole("button", { name: "Publish" })).toBeDisabled();
  expect(screen.getByRole("button", { name: "Format JSON" })).toBeDisabled();

  await typeData(user, "[1, 2]");
  expect(screen.getByText("Data must be a JSON object.")).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Publish" })).toBeDisabled();

  await typeData(user, '{"amount":42}');
  expect(screen.getByRole("button", { name: "Publish" })).toBeEnabled();
  await user.click(screen.getByRole("button", { name: "Format JSON" }));
  expect(screen.getByLabelText("Data (JSON)")).toHaveValue('{\n  "amount": 42\n}');
});

test("sends the type, data, tenant and idempotency key, and says where it went", async () => {
  const calls = fakeApi({
    "GET /api/event-types": () => catalog,
    "POST /api/events": () => ({
      status: 202,
      body: { id: "evt_9", type: "order.created", timestamp: "2026-11-29T06:30:00.000Z", deliveries: 2, duplicate: false },
    }),
  });
  const user = userEvent.setup();
  renderPage(<PublishEvent />);
  await user.type(screen.getByLabelText("Event type"), "order.created");
  // The catalog's description and schema for the chosen type.
  expect(await screen.findByText(/About/)).toHaveTextContent("About order.created: An order was placed");
  expect(screen.getByText(/"required"/)).toBeInTheDocument();
  await typeData(user, '{"amount": 42, "currency": "EUR"}');
  await user.clear(screen.getByLabelText("Tenant"));
  await user.type(screen.getByLabelText("Tenant"), "acme");
  await user.type(screen.getByLabelText("Idempotency key"), "order-42");
  await user.click(screen.getByRole("button", { name: "Publish" }));

  const status = await screen.findByRole("status");
  expect(status).toHaveTextContent("Event published to 2 webhooks");
  expect(screen.getByRole("link", { name: "Open event" })).toHaveAttribute("href", "/events/evt_9");
  const sent = calls.find((c) => c.method === "POST");
  expect(sent?.body).toEqual({
    type: "order.created",
    data: { amount: 42, currency: "EUR" },
    tenant: "acme",
    id: "order-42",
  });
});

test("a repeated idempotency key is reported as a duplicate", async () => {
  fakeApi({
    "GET /api/event-types": () => catalog,
    "POST /api/events": () => ({
      status: 200,
      body: { id: "evt_1", type: "user.signed_up", timestamp: "2026-11-29T06:30:00.000Z", deliveries: 1, duplicate: true },
    }),
  });
  const user = userEvent.setup();
  renderPage(<PublishEvent />);
  await user.type(screen.getByLabelText("Event type"), "user.signed_up");
  await user.click(screen.getByRole("button", { name: "Publish" }));
  expect(await screen.findByRole("status")).toHaveTextContent("Already published (duplicate)");
});

test("a schema violation (422 on data) shows at the data field", async () => {
  fakeApi({
    "GET /api/event-types": () => catalog,
    "POST /api/events": () => ({
      status: 422,
      body: {
        status: 422, code: "schema_mismatch", detail: "data: does not match",
        errors: [{ field: "data", code: "schema_mismatch", message: 'does not match the schema of order.created: at /amount: "x" is not of type "number"' }],
      },
    }),
  });
  const user = userEvent.setup();
  renderPage(<PublishEvent />);
  await user.type(screen.getByLabelText("Event type"), "order.created");
  await typeData(user, '{"amount": "x"}');
  await user.click(screen.getByRole("button", { name: "Publish" }));
  await waitFor(() =>
    expect(screen.getByLabelText("Data (JSON)")).toHaveAccessibleDescription(/at \/amount: "x" is not of type "number"/),
  );
  expect(screen.getByLabelText("Data (JSON)")).toHaveAttribute("aria-invalid", "true");
  expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Publish" })).toBeEnabled();
});

test("an empty type is caught before sending", async () => {
  const calls = fakeApi({ "GET /api/event-types": () => catalog });
  const user = userEvent.setup();
  renderPage(<PublishEvent />);
  await user.click(screen.getByRole("button", { name: "Publish" }));
  expect(screen.getByLabelText("Event type")).toHaveAccessibleDescription(/Give the event's type/);
  expect(calls.some((c) => c.method === "POST")).toBe(false);
});

test("a tenant's portal has no Tenant field and publishes to its own tenant", async () => {
  const calls = fakeApi({
    "GET /api/event-types": () => catalog,
    "POST /api/events": () => ({
      status: 202,
      body: { id: "evt_2", type: "user.signed_up", timestamp: "2026-11-29T06:30:00.000Z", deliveries: 1, duplicate: false },
    }),
  });
  const user = userEvent.setup();
  renderPage(<PublishEvent />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
  await user.type(screen.getByLabelText("Event type"), "user.signed_up");
  await user.click(screen.getByRole("button", { name: "Publish" }));
  expect(await screen.findByRole("status")).toHaveTextContent("Event published to 1 webhook.");
  expect(calls.find((c) => c.method === "POST")?.body).toEqual({ type: "user.signed_up", data: {}, tenant: "acme" });
});

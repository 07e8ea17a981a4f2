// The event types page: the catalog as a table, the admin's add form (schema JSON checked while
// typed, the body sent, server errors at their fields), delete only after confirming, and a
// read-only view for tenants.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { EventTypes } from "./EventTypes";
import { fakeApi, renderPage } from "../test/render";

const orderCreated = {
  id: "et_1", name: "order.created", description: "An order was placed",
  schema: { type: "object", required: ["amount"] }, created_at: "2026-11-29T06:00:00.000Z",
};
const userSignedUp = {
  id: "et_2", name: "user.signed_up", description: "A user signed up", schema: null, created_at: "2026-11-29T06:00:00.000Z",
};
const list = (...data: unknown[]) => ({ status: 200, body: { data, next_cursor: null } });

test("lists the catalog with its schemas", async () => {
  fakeApi({ "GET /api/event-types": () => list(orderCreated, userSignedUp) });
  renderPage(<EventTypes />);
  const table = await screen.findByRole("table", { name: "Event types" });
  const rows = within(table).getAllByRole("row");
  expect(rows).toHaveLength(3);
  expect(rows[1]).toHaveTextContent("order.created");
  expect(rows[1]).toHaveTextContent("An order was placed");
  expect(within(rows[1]).getByText(/"required"/)).toBeInTheDocument();
  expect(rows[2]).toHaveTextContent("—");
});

test("an invalid schema is explained and blocks adding; a valid one is sent as an object", async () => {
  const calls = fakeApi({
    "GET /api/event-types": () => list(userSignedUp),
    "POST /api/event-types": () => ({ status: 201, body: orderCreated }),
  });
  const user = userEvent.setup();
  renderPage(<EventTypes />);
  await screen.findByRole("table", { name: "Event types" });
  await user.type(screen.getByLabelText("Name"), "order.created");
  await user.type(screen.getByLabelText("Description"), "An order was placed");
  const schema = screen.getByLabelText("JSON Schema (optional)");
  await user.click(schema);
  await user.paste('{"type": "object",');
  expect(schema).toHaveAccessibleDescription(/Not valid JSON: /);
  expect(screen.getByRole("button", { name: "Add event type" })).toBeDisabled();

  await user.clear(schema);
  await user.paste('"object"');
  expect(screen.getByText("The schema must be a JSON object.")).toBeInTheDocument();

  await user.clear(schema);
  await user.paste('{"type": "object", "required": ["amount"]}');
  await user.click(screen.getByRole("button", { name: "Add event type" }));
  await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
  expect(calls.find((c) => c.method === "POST")?.body).toEqual({
    name: "order.created",
    description: "An order was placed",
    schema: { type: "object", required: ["amount"] },
  });
  expect(await screen.findByRole("status")).toHaveTextContent("Added order.created.");
  expect(screen.getByLabelText("Name")).toHaveValue("");
  // The catalog is fetched again after adding.
  await waitFor(() => expect(calls.filter((c) => c.path === "/api/event-types" && c.method === "GET").length).toBe(2));
});

test("without a schema, null is sent; a bad name shows at the Name field", async () => {
  const calls = fakeApi({
    "GET /api/event-types": () => list(),
    "POST /api/event-types": () => ({
      status: 422,
      body: {
        status: 422, code: "invalid_event_name", detail: "name: bad",
        errors: [{ field: "name", code: "invalid_event_name", message: "must be segments of letters, digits, '_' or '-' joined by '.'" }],
      },
    }),
  });
  const user = userEvent.setup();
  renderPage(<EventTypes />);
  expect(await screen.findByText("No event types yet.")).toBeInTheDocument();
  await user.type(screen.getByLabelText("Name"), "bad name!");
  await user.click(screen.getByRole("button", { name: "Add event type" }));
  await waitFor(() =>
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/must be segments of letters/),
  );
  expect(calls.find((c) => c.method === "POST")?.body).toEqual({ name: "bad name!", description: "", schema: null });
});

test("delete asks first, and only then sends DELETE", async () => {
  const calls = fakeApi({
    "GET /api/event-types": () => list(orderCreated, userSignedUp),
    "DELETE /api/event-types/user.signed_up": () => ({ status: 204 }),
  });
  const user = userEvent.setup();
  renderPage(<EventTypes />);
  await user.click(await screen.findByRole("button", { name: "Delete user.signed_up" }));
  const dialog = screen.getByRole("alertdialog", { name: "Delete event type" });
  expect(calls.some((c) => c.method === "DELETE")).toBe(false);

  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  expect(calls.some((c) => c.method === "DELETE")).toBe(false);

  await user.click(screen.getByRole("button", { name: "Delete user.signed_up" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete event type" }));
  await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
  expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/event-types/user.signed_up"]);
});

test("tenants read the catalog but cannot change it", async () => {
  fakeApi({ "GET /api/event-types": () => list(orderCreated) });
  renderPage(<EventTypes />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  await screen.findByRole("table", { name: "Event types" });
  expect(screen.getByText("Only an operator can add or delete event types.")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: /Delete/ })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Add event type" })).not.toBeInTheDocument();
});

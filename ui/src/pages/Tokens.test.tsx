// The tokens page: creating a token shows it once with its portal link; revoking asks first and
// deletes the right token.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Tokens } from "./Tokens";
import { fakeApi, renderPage } from "../test/render";

const acme = { id: "tok_acme", name: "Acme Corp", tenant: "acme", created_at: "2026-11-29T06:00:00.000Z" };
const globex = { id: "tok_globex", name: "Globex", tenant: "globex", created_at: "2026-11-29T06:10:00.000Z" };

test("a created token is shown once, with a portal link that signs in", async () => {
  const calls = fakeApi({
    "GET /api/tokens": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "POST /api/tokens": () => ({ status: 201, body: { ...acme, token: "hkt_secret123" } }),
  });
  const user = userEvent.setup();
  renderPage(<Tokens />);
  expect(await screen.findByText("No tenant tokens yet.")).toBeInTheDocument();
  await user.type(screen.getByLabelText("Name"), "Acme Corp");
  await user.type(screen.getByLabelText("Tenant"), "acme");
  await user.click(screen.getByRole("button", { name: "Create token" }));

  const created = await screen.findByRole("region", { name: "Token created" });
  expect(within(created).getByText("hkt_secret123").tagName).toBe("CODE");
  expect(within(created).getByText(`${window.location.origin}/#token=hkt_secret123`).tagName).toBe("CODE");
  expect(within(created).getByRole("button", { name: "Copy token" })).toBeInTheDocument();
  expect(within(created).getByRole("button", { name: "Copy portal link" })).toBeInTheDocument();
  expect(created).toHaveTextContent(/only time the token is shown/);
  expect(created).toHaveTextContent(/signs the customer straight into their tenant's portal/);
  expect(calls.find((c) => c.method === "POST")?.body).toEqual({ name: "Acme Corp", tenant: "acme" });
  // The list is fetched again.
  await waitFor(() => expect(calls.filter((c) => c.method === "GET").length).toBe(2));
});

test("empty fields are caught before sending; server field errors show at their fields", async () => {
  const calls = fakeApi({
    "GET /api/tokens": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "POST /api/tokens": () => ({
      status: 422,
      body: {
        status: 422, code: "validation_failed", detail: "tenant: bad",
        errors: [{ field: "tenant", code: "invalid_tenant", message: "must be 1 to 64 letters, digits, '_', '.' or '-'" }],
      },
    }),
  });
  const user = userEvent.setup();
  renderPage(<Tokens />);
  await user.click(await screen.findByRole("button", { name: "Create token" }));
  expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/Say who the token is for/);
  expect(calls.some((c) => c.method === "POST")).toBe(false);

  await user.type(screen.getByLabelText("Name"), "Acme");
  await user.type(screen.getByLabelText("Tenant"), "a c m e");
  await user.click(screen.getByRole("button", { name: "Create token" }));
  await waitFor(() => expect(screen.getByLabelText("Tenant")).toHaveAccessibleDescription(/must be 1 to 64 letters/));
  expect(screen.queryByRole("region", { name: "Token created" })).not.toBeInTheDocument();
});

test("revoke asks first and deletes the right token", async () => {
  const calls = fakeApi({
    "GET /api/tokens": () => ({ status: 200, body: { data: [globex, acme], next_cursor: null } }),
    "DELETE /api/tokens/tok_acme": () => ({ status: 204 }),
  });
  const user = userEvent.setup();
  renderPage(<Tokens />);
  const table = await screen.findByRole("table", { name: "Tokens" });
  expect(within(table).getAllByRole("row")).toHaveLength(3);
  expect(within(table).getByText("tok_acme")).toHaveClass("mono");

  await user.click(screen.getByRole("button", { name: "Revoke Acme Corp" }));
  const dialog = screen.getByRole("alertdialog", { name: "Revoke token" });
  expect(dialog).toHaveTextContent("Acme Corp");
  expect(calls.some((c) => c.method === "DELETE")).toBe(false);
  await user.click(within(dialog).getByRole("button", { name: "Revoke token" }));
  await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
  expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/tokens/tok_acme"]);
});

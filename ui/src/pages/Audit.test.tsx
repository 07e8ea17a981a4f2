// The audit log page: entries read as sentences of who did what, linked to what still exists,
// and the filters become the query.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Audit } from "./Audit";
import { fakeApi, renderPage } from "../test/render";

const updated = {
  id: "aud_2",
  at: "2026-11-29T10:00:00.000Z",
  actor: "tok_acme",
  tenant: "acme",
  action: "webhook.updated",
  target: "wh_01",
  detail: { fields: ["description", "headers"] },
  source_ip: "203.0.113.7",
};
const revoked = {
  id: "aud_1",
  at: "2026-11-29T09:00:00.000Z",
  actor: "admin",
  tenant: null,
  action: "token.revoked",
  target: "tok_old",
  detail: {},
  source_ip: "127.0.0.1",
};

test("entries say who changed what, from where, and link to webhooks", async () => {
  fakeApi({ "GET /api/audit": () => ({ status: 200, body: { data: [updated, revoked], next_cursor: null } }) });
  renderPage(<Audit />);
  const table = await screen.findByRole("table", { name: "Audit log" });
  const rows = within(table).getAllByRole("row");
  expect(rows[1]).toHaveTextContent("Webhook changed");
  expect(rows[1]).toHaveTextContent("tok_acme");
  expect(rows[1]).toHaveTextContent("fields: description, headers");
  expect(rows[1]).toHaveTextContent("203.0.113.7");
  expect(within(rows[1]).getByRole("link", { name: "wh_01" })).toHaveAttribute("href", "/webhooks/wh_01");
  expect(rows[2]).toHaveTextContent("Token revoked");
  expect(within(rows[2]).queryByRole("link")).toBeNull();
});

test("the filters become the query", async () => {
  const calls = fakeApi({ "GET /api/audit": () => ({ status: 200, body: { data: [], next_cursor: null } }) });
  const user = userEvent.setup();
  renderPage(<Audit />);
  expect(await screen.findByText("No changes yet.")).toBeInTheDocument();
  await user.selectOptions(screen.getByLabelText("Action"), "webhook.deleted");
  await user.type(screen.getByLabelText("Tenant"), "acme");
  await waitFor(() =>
    expect(calls.at(-1)?.path).toBe("/api/audit?limit=50&action=webhook.deleted&tenant=acme"),
  );
  expect(await screen.findByText("No change matches these filters.")).toBeInTheDocument();
});

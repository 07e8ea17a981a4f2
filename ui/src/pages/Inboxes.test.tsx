// The inboxes list: searched on the page, each deleted after confirming.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Inboxes } from "./Inboxes";
import { fakeApi, renderPage } from "../test/render";
import { inboxFixture } from "../test/inboxes";

test("lists inboxes, searches them, and deletes one after confirming", async () => {
  const inboxes = [inboxFixture(), inboxFixture({ id: "ibx_2", name: "stripe-prod", description: "", verify: { scheme: "stripe" } })];
  const calls = fakeApi({
    "GET /api/inboxes": () => ({ status: 200, body: { data: inboxes, next_cursor: null } }),
    "DELETE /api/inboxes/ibx_2": () => ({ status: 204 }),
  });
  renderPage(<Inboxes />);
  const table = await screen.findByRole("table", { name: "Inboxes" });
  expect(within(table).getByRole("link", { name: "github-prod" })).toHaveAttribute("href", "/inboxes/ibx_1");
  expect(within(table).getByText("GitHub")).toBeInTheDocument();
  await userEvent.type(screen.getByLabelText("Search"), "stripe");
  expect(within(table).queryByText("github-prod")).not.toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Delete stripe-prod" }));
  const dialog = screen.getByRole("alertdialog", { name: "Delete inbox" });
  await userEvent.click(within(dialog).getByRole("button", { name: "Delete inbox" }));
  expect(calls.some((c) => c.method === "DELETE" && c.path === "/api/inboxes/ibx_2")).toBe(true);
});

test("an empty list says what an inbox is for", async () => {
  fakeApi({ "GET /api/inboxes": () => ({ status: 200, body: { data: [], next_cursor: null } }) });
  renderPage(<Inboxes />);
  expect(await screen.findByText("No inboxes yet.")).toBeInTheDocument();
});

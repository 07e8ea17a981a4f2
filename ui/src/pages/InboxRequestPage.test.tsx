// A received request's own page: where events from inboxes link back to, naming its inbox.
import { screen, within } from "@testing-library/react";
import { InboxRequestPage } from "./InboxRequestPage";
import { fakeApi, renderPage } from "../test/render";
import { inboxFixture, requestFixture } from "../test/inboxes";

test("shows the request, its body as received, and links to its inbox", async () => {
  fakeApi({
    "GET /api/inbox-requests/req_1": () => ({
      status: 200,
      body: { ...requestFixture(), body: "plain text body", deliveries: [] },
    }),
    "GET /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
  });
  renderPage(<InboxRequestPage />, { path: "/inbox-requests/req_1", route: "/inbox-requests/:id" });
  expect(await screen.findByRole("link", { name: "github-prod" })).toHaveAttribute("href", "/inboxes/ibx_1");
  const detail = screen.getByRole("region", { name: "Request req_1" });
  expect(await within(detail).findByLabelText("Body (raw)")).toHaveTextContent("plain text body");
  expect(within(detail).getByText("signature valid")).toBeInTheDocument();
  expect(within(detail).getByText("No webhook subscribes to this event.")).toBeInTheDocument();
  expect(within(detail).getByRole("button", { name: "Replay request" })).toBeInTheDocument();
});

test("a request that is gone is explained", async () => {
  fakeApi({});
  renderPage(<InboxRequestPage />, { path: "/inbox-requests/req_x", route: "/inbox-requests/:id" });
  expect(await screen.findByRole("alert")).toHaveTextContent(/isn't there/);
});

// An inbox's page: its URL and settings, its history (filtered on the server), a request opened
// to its body and event, a window replayed after a dry run.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { InboxPage } from "./InboxPage";
import { fakeApi, renderPage } from "../test/render";
import { inboxFixture, requestFixture } from "../test/inboxes";

const page = { path: "/inboxes/ibx_1", route: "/inboxes/:id" };

test("shows the history, opens a request, and filters by verification", async () => {
  const calls = fakeApi({
    "GET /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
    "GET /api/inboxes/ibx_1/requests": () => ({
      status: 200,
      body: {
        data: [requestFixture(), requestFixture({ id: "req_2", verified: false, verify_error: "no signature matched", event_id: null })],
        next_cursor: null,
      },
    }),
    "GET /api/inbox-requests/req_1": () => ({
      status: 200,
      body: { ...requestFixture(), body: '{"action":"opened"}', deliveries: [{ id: "dlv_1", webhook_id: "wh_1", status: "succeeded", attempt_count: 1 }] },
    }),
  });
  renderPage(<InboxPage />, page);
  expect(await screen.findByRole("heading", { level: 1, name: "github-prod" })).toBeInTheDocument();
  const table = await screen.findByRole("table", { name: "Requests" });
  expect(within(table).getByText("not verified: no signature matched")).toBeInTheDocument();
  await userEvent.click(within(table).getByRole("button", { name: "Open request req_1" }));
  const detail = await screen.findByRole("region", { name: "Request req_1" });
  expect(await within(detail).findByLabelText("Body (JSON)")).toHaveTextContent('"action": "opened"');
  expect(within(detail).getByRole("link", { name: "evt_1" })).toHaveAttribute("href", "/events/evt_1");
  expect(within(detail).getByRole("link", { name: "dlv_1" })).toHaveAttribute("href", "/deliveries/dlv_1");
  await userEvent.selectOptions(screen.getByLabelText("Verification"), "false");
  expect(calls.some((c) => c.path.startsWith("/api/inboxes/ibx_1/requests?") && c.path.includes("verified=false"))).toBe(true);
});

test("a window is replayed only after a dry run says how many", async () => {
  const calls = fakeApi({
    "GET /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
    "GET /api/inboxes/ibx_1/requests": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "POST /api/inboxes/ibx_1/replay": ({ body }) =>
      (body as { dry_run: boolean }).dry_run
        ? { status: 200, body: { matched: 312, sample: [requestFixture()], event_ids: [], dry_run: true } }
        : { status: 200, body: { matched: 312, sample: [], event_ids: ["evt_9"], dry_run: false } },
  });
  renderPage(<InboxPage />, page);
  const replay = await screen.findByRole("region", { name: "Replay a time window" });
  await userEvent.click(within(replay).getByRole("button", { name: "Preview replay" }));
  expect(await within(replay).findByText("This will replay 312 requests.")).toBeInTheDocument();
  expect(calls.filter((c) => c.method === "POST")).toHaveLength(1);
  await userEvent.click(within(replay).getByRole("button", { name: "Replay 312 requests" }));
  expect(await within(replay).findByText(/Replayed 312 requests as new events/)).toBeInTheDocument();
  expect(calls.filter((c) => c.method === "POST").map((c) => (c.body as { dry_run: boolean }).dry_run)).toEqual([true, false]);
});

test("a new secret is set and shown once", async () => {
  const calls = fakeApi({
    "GET /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
    "GET /api/inboxes/ibx_1/requests": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "PATCH /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
  });
  renderPage(<InboxPage />, page);
  const panel = await screen.findByRole("region", { name: "Secret" });
  await userEvent.type(within(panel).getByLabelText("New secret"), "typed-secret");
  await userEvent.click(within(panel).getByRole("button", { name: "Set a new secret" }));
  expect(await within(panel).findByText("typed-secret")).toBeInTheDocument();
  expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ verify: { scheme: "github", secret: "typed-secret" } });
});

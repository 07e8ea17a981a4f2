// Failed deliveries: failed ones by default, each row linking to its delivery, webhook and event;
// filters sent to the server; "Retry all matching" counts first (a dry run with the oldest few),
// then retries the same filters and says when the last attempt is due; only offered for failed
// ones; the server's objection shown at the field it names; an empty state for each case.
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Deliveries } from "./Deliveries";
import { fakeApi, renderPage, type FakeCall } from "../test/render";

const delivery = (id: string, eventType: string, status = "failed", webhook = "wh_1", tenant = "default") => ({
  id, event_id: `evt_${id}`, webhook_id: webhook, tenant, event_type: eventType, status, attempt_count: 3,
  next_attempt_at: null, created_at: new Date(Date.now() - 600_000).toISOString(),
  updated_at: new Date(Date.now() - 120_000).toISOString(),
});
const list = (...data: unknown[]) => () => ({ status: 200, body: { data, next_cursor: null } });
const webhook = { id: "wh_1", url: "https://shop.example/hooks", events: ["*"], active: true, failure_streak: 0 };
const isDryRun = (call: FakeCall) => (call.body as { dry_run?: boolean }).dry_run === true;
const retries = (calls: FakeCall[]) => calls.filter((c) => c.path === "/api/deliveries/retry");

test("lists failed deliveries with links to each delivery, its webhook and its event", async () => {
  const calls = fakeApi({
    "GET /api/deliveries": list(delivery("dlv_1", "order.paid"), delivery("dlv_2", "user.signed_up", "failed", "wh_2", "acme")),
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: webhook }),
  });
  renderPage(<Deliveries />);
  const table = await screen.findByRole("table", { name: "Deliveries" });
  const rows = within(table).getAllByRole("row");
  expect(rows).toHaveLength(3);
  expect(calls[0].path).toBe("/api/deliveries?limit=50&status=failed");
  expect(within(rows[1]).getByRole("link", { name: "order.paid" })).toHaveAttribute("href", "/events/evt_dlv_1");
  expect(within(rows[1]).getByRole("link", { name: "Details of delivery dlv_1" })).toHaveAttribute("href", "/deliveries/dlv_1");
  expect(await within(rows[1]).findByRole("link", { name: "https://shop.example/hooks" })).toHaveAttribute("href", "/webhooks/wh_1");
  // A webhook this token cannot see (or gone) is named by its id.
  expect(within(rows[2]).getByRole("link", { name: "wh_2" })).toHaveAttribute("href", "/webhooks/wh_2");
  expect(rows[1]).toHaveTextContent("failed");
  expect(rows[1]).toHaveTextContent("2 min ago");
  expect(rows[2]).toHaveTextContent("acme");
  expect(screen.getByLabelText("Status")).toHaveValue("failed");
});

test("filters reach the query string", async () => {
  const calls = fakeApi({ "GET /api/deliveries": list() });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  expect(await screen.findByText("No failed deliveries.")).toBeInTheDocument();
  await user.type(screen.getByLabelText("Webhook"), "wh_1");
  await user.type(screen.getByLabelText("Event type"), "order.paid");
  await user.type(screen.getByLabelText("Tenant"), "acme");
  await user.type(screen.getByLabelText("Since"), "2026-11-28T09:15");
  await user.type(screen.getByLabelText("Until"), "2026-11-29T18:00");
  await user.selectOptions(screen.getByLabelText("Status"), "pending");
  const since = encodeURIComponent(new Date("2026-11-28T09:15").toISOString());
  const until = encodeURIComponent(new Date("2026-11-29T18:00").toISOString());
  await waitFor(() =>
    expect(calls.map((c) => c.path)).toContain(
      `/api/deliveries?limit=50&status=pending&webhook=wh_1&event_type=order.paid&tenant=acme&since=${since}&until=${until}`,
    ),
  );
  expect(await screen.findByText("No deliveries match these filters.")).toBeInTheDocument();
  await user.selectOptions(screen.getByLabelText("Status"), "All statuses");
  await waitFor(() => expect(calls[calls.length - 1].path).not.toContain("status="));
  await user.click(screen.getAllByRole("button", { name: "Reset filters" })[0]);
  expect(await screen.findByText("No failed deliveries.")).toBeInTheDocument();
  expect(screen.getByLabelText("Webhook")).toHaveValue("");
});

test("a link may choose the webhook and status", async () => {
  const calls = fakeApi({ "GET /api/deliveries": list() });
  renderPage(<Deliveries />, { path: "/deliveries?webhook=wh_7&status=succeeded" });
  expect(await screen.findByText("No deliveries match these filters.")).toBeInTheDocument();
  expect(calls[0].path).toBe("/api/deliveries?limit=50&status=succeeded&webhook=wh_7");
});

test("a tenant sees no tenant filter or column", async () => {
  fakeApi({ "GET /api/deliveries": list(delivery("dlv_1", "order.paid")) });
  renderPage(<Deliveries />, { session: { role: "tenant", tenant: "acme", token_id: "tok_1" } });
  const table = await screen.findByRole("table", { name: "Deliveries" });
  expect(within(table).queryByRole("columnheader", { name: "Tenant" })).not.toBeInTheDocument();
  expect(screen.queryByLabelText("Tenant")).not.toBeInTheDocument();
});

test("the next page follows the cursor", async () => {
  const calls = fakeApi({
    "GET /api/deliveries": (call) =>
      call.path.includes("cursor=dlv_1")
        ? { status: 200, body: { data: [delivery("dlv_0", "order.created")], next_cursor: null } }
        : { status: 200, body: { data: [delivery("dlv_1", "order.paid")], next_cursor: "dlv_1" } },
  });
  renderPage(<Deliveries />);
  await screen.findByRole("link", { name: "order.paid" });
  await userEvent.setup().click(screen.getByRole("button", { name: "Older" }));
  expect(await screen.findByRole("link", { name: "order.created" })).toBeInTheDocument();
  expect(calls.some((c) => c.path === "/api/deliveries?limit=50&status=failed&cursor=dlv_1")).toBe(true);
  expect(screen.getByText("Page 2")).toBeInTheDocument();
});

test("retry all matching: a dry run with the oldest first, then the retry of the same filters", async () => {
  let failedLeft = 3;
  const calls = fakeApi({
    "GET /api/deliveries": () => ({
      status: 200,
      body: { data: [delivery("dlv_3", "order.paid"), delivery("dlv_2", "order.paid"), delivery("dlv_1", "order.paid")].slice(0, failedLeft), next_cursor: null },
    }),
    "POST /api/deliveries/retry": (call) => {
      if (isDryRun(call)) {
        return { status: 200, body: { matched: 3, requeued: 0, sample: [delivery("dlv_1", "order.paid"), delivery("dlv_2", "order.paid"), delivery("dlv_3", "order.paid")], last_attempt_due_at: null, dry_run: true } };
      }
      failedLeft = 0;
      return { status: 202, body: { matched: 3, requeued: 3, sample: [], last_attempt_due_at: new Date(Date.now() + 300).toISOString(), dry_run: false } };
    },
  });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  await screen.findByRole("table", { name: "Deliveries" });
  await user.type(screen.getByLabelText("Event type"), "order.paid");
  await waitFor(() => expect(calls.some((c) => c.path.includes("event_type=order.paid"))).toBe(true));
  await user.click(screen.getByRole("button", { name: "Retry all matching" }));
  expect(await screen.findByText("3 failed deliveries match.")).toBeInTheDocument();
  expect(retries(calls)[0].body).toEqual({ event_type: "order.paid", status: "failed", dry_run: true });
  const preview = screen.getByRole("region", { name: "Retry all matching" });
  expect(preview).toHaveTextContent("at most 10 a second per webhook");
  const sample = within(preview).getAllByRole("listitem");
  expect(sample.map((item) => within(item).getByRole("link", { name: "order.paid" }).getAttribute("href"))).toEqual([
    "/deliveries/dlv_1", "/deliveries/dlv_2", "/deliveries/dlv_3",
  ]);
  expect(retries(calls)).toHaveLength(1); // nothing retried yet

  await user.click(within(preview).getByRole("button", { name: "Retry 3 failed deliveries" }));
  expect(await screen.findByText(/^3 re-queued; the last attempt is due at .+\.$/)).toBeInTheDocument();
  expect(retries(calls)[1].body).toEqual({ event_type: "order.paid", status: "failed", dry_run: false });
  expect(screen.queryByRole("region", { name: "Retry all matching" })).not.toBeInTheDocument();
  // The list refreshes: nothing failed is left.
  expect(await screen.findByText("No deliveries match these filters.")).toBeInTheDocument();
  expect(screen.getByText(/^3 re-queued; the last attempt is due at .+\.$/)).toBeInTheDocument();
});

test("the preview can be cancelled, and goes when the filters change", async () => {
  const calls = fakeApi({
    "GET /api/deliveries": list(delivery("dlv_1", "order.paid")),
    "POST /api/deliveries/retry": () => ({ status: 200, body: { matched: 1, requeued: 0, sample: [delivery("dlv_1", "order.paid")], last_attempt_due_at: null, dry_run: true } }),
  });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  await user.click(await screen.findByRole("button", { name: "Retry all matching" }));
  await user.click(await screen.findByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("region", { name: "Retry all matching" })).not.toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Retry all matching" }));
  await screen.findByRole("button", { name: "Retry 1 failed delivery" });
  await user.type(screen.getByLabelText("Webhook"), "wh_9");
  await waitFor(() => expect(screen.queryByRole("region", { name: "Retry all matching" })).not.toBeInTheDocument());
  expect(retries(calls).every(isDryRun)).toBe(true);
});

test("retry is not offered for other statuses, nor when nothing failed", async () => {
  fakeApi({
    "GET /api/deliveries": (call) =>
      call.path.includes("status=failed") ? list()() : list(delivery("dlv_1", "order.paid", "succeeded"))(),
  });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  expect(await screen.findByText("No failed deliveries.")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Retry all matching" })).not.toBeInTheDocument();
  await user.selectOptions(screen.getByLabelText("Status"), "succeeded");
  await screen.findByRole("table", { name: "Deliveries" });
  expect(screen.queryByRole("button", { name: "Retry all matching" })).not.toBeInTheDocument();
});

test("too many to retry at once: the objection is shown at the field it names", async () => {
  fakeApi({
    "GET /api/deliveries": list(delivery("dlv_1", "order.paid")),
    "POST /api/deliveries/retry": () => ({
      status: 422,
      body: { status: 422, code: "too_many", title: "Unprocessable Entity", detail: "since: more than 100000",
        errors: [{ field: "since", code: "too_many", message: "more than 100000 failed deliveries match; retry a shorter window or one webhook at a time" }] },
    }),
  });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  await user.click(await screen.findByRole("button", { name: "Retry all matching" }));
  expect(await screen.findByText(/more than 100000 failed deliveries match/)).toBeInTheDocument();
  expect(screen.getByLabelText("Since")).toHaveAttribute("aria-invalid", "true");
  expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  expect(screen.queryByRole("region", { name: "Retry all matching" })).not.toBeInTheDocument();
});

test("a bad filter is named at its field; other errors are shown in words", async () => {
  fakeApi({
    "GET /api/deliveries": (call) =>
      call.path.includes("webhook=")
        ? { status: 422, body: { status: 422, code: "invalid_id", detail: "webhook: not a webhook id",
            errors: [{ field: "webhook", code: "invalid_id", message: "expected a webhook id (wh_…)" }] } }
        : { status: 503, body: { status: 503, code: "unavailable" } },
  });
  const user = userEvent.setup();
  renderPage(<Deliveries />);
  expect(await screen.findByRole("alert")).toHaveTextContent("hookd's database is not answering right now");
  await user.type(screen.getByLabelText("Webhook"), "nope");
  expect(await screen.findByText("expected a webhook id (wh_…)")).toBeInTheDocument();
  expect(screen.getByLabelText("Webhook")).toHaveAttribute("aria-invalid", "true");
});

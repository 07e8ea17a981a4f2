// Recover: sends the chosen time as RFC 3339 UTC and says how many deliveries were re-queued;
// a time the server refuses is shown at the field; a preview (dry run) counts first and shows
// the oldest, changing nothing.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { RecoverForm } from "./RecoverForm";

const failed = (id: string, eventType: string) => ({
  id, event_id: `evt_${id}`, webhook_id: "wh_1", tenant: "default", event_type: eventType, status: "failed",
  attempt_count: 3, next_attempt_at: null, created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:05.000Z",
});

test("posts since as UTC and reports the count", async () => {
  const calls = fakeApi({ "POST /api/webhooks/wh_1/recover": () => ({ status: 200, body: { matched: 3, requeued: 3, sample: [], last_attempt_due_at: "2026-11-29T06:10:00.300Z", dry_run: false } }) });
  const user = userEvent.setup();
  renderPage(<RecoverForm webhookId="wh_1" />);
  const since = screen.getByLabelText("Failed since");
  expect(since).not.toHaveValue("");
  await user.clear(since);
  await user.type(since, "2026-11-28T09:15");
  await user.click(screen.getByRole("button", { name: "Recover failed deliveries" }));
  expect(await screen.findByText("Re-queued 3 deliveries.")).toBeInTheDocument();
  expect(calls[0].body).toEqual({ since: new Date("2026-11-28T09:15").toISOString() });
});

test("the server's objection is shown at the field", async () => {
  fakeApi({
    "POST /api/webhooks/wh_1/recover": () => ({
      status: 422,
      body: { code: "invalid_type", status: 422, title: "Unprocessable Entity", detail: "since: bad",
        errors: [{ field: "since", code: "invalid_type", message: "expected an RFC 3339 UTC timestamp" }] },
    }),
  });
  renderPage(<RecoverForm webhookId="wh_1" />);
  await userEvent.setup().click(screen.getByRole("button", { name: "Recover failed deliveries" }));
  expect(await screen.findByText("expected an RFC 3339 UTC timestamp")).toBeInTheDocument();
  expect(screen.getByLabelText("Failed since")).toHaveAttribute("aria-invalid", "true");
});

test("Preview counts what would be re-queued, shows the oldest, and changes nothing", async () => {
  const calls = fakeApi({
    "POST /api/webhooks/wh_1/recover": ({ body }) =>
      (body as { dry_run?: boolean }).dry_run
        ? { status: 200, body: { matched: 2, requeued: 0, sample: [failed("dlv_1", "order.paid"), failed("dlv_2", "order.created")], last_attempt_due_at: null, dry_run: true } }
        : { status: 202, body: { matched: 2, requeued: 2, sample: [], last_attempt_due_at: "2026-11-29T06:10:00.200Z", dry_run: false } },
  });
  const user = userEvent.setup();
  renderPage(<RecoverForm webhookId="wh_1" />);
  const since = screen.getByLabelText("Failed since");
  await user.clear(since);
  await user.type(since, "2026-11-28T09:15");
  await user.click(screen.getByRole("button", { name: "Preview" }));
  expect(await screen.findByText("Recovering would re-queue 2 deliveries, paced at most 10 a second.")).toBeInTheDocument();
  expect(calls[0].body).toEqual({ since: new Date("2026-11-28T09:15").toISOString(), dry_run: true });
  const sample = screen.getByRole("list", { name: "First deliveries to retry" });
  expect(within(sample).getAllByRole("listitem")).toHaveLength(2);
  expect(within(sample).getByRole("link", { name: "order.paid" })).toHaveAttribute("href", "/deliveries/dlv_1");
  expect(calls).toHaveLength(1);

  await user.click(screen.getByRole("button", { name: "Recover failed deliveries" }));
  expect(await screen.findByText("Re-queued 2 deliveries.")).toBeInTheDocument();
  expect(calls[1].body).toEqual({ since: new Date("2026-11-28T09:15").toISOString() });
  expect(screen.queryByRole("list", { name: "First deliveries to retry" })).not.toBeInTheDocument();
  expect(screen.getByText(/The last attempt is due at/)).toBeInTheDocument();
});

test("a preview with nothing to recover says so", async () => {
  fakeApi({
    "POST /api/webhooks/wh_1/recover": () => ({
      status: 200, body: { matched: 0, requeued: 0, sample: [], last_attempt_due_at: null, dry_run: true },
    }),
  });
  renderPage(<RecoverForm webhookId="wh_1" />);
  await userEvent.setup().click(screen.getByRole("button", { name: "Preview" }));
  expect(await screen.findByText("Nothing to recover: no delivery failed since then.")).toBeInTheDocument();
});

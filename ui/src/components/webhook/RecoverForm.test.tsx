// Recover: sends the chosen time as RFC 3339 UTC and says how many deliveries were re-queued;
// a time the server refuses is shown at the field.
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { RecoverForm } from "./RecoverForm";

test("posts since as UTC and reports the count", async () => {
  const calls = fakeApi({ "POST /api/webhooks/wh_1/recover": () => ({ status: 200, body: { requeued: 3 } }) });
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

// Send test: the button shows progress, and the receiver's answer (code, error, body) lands in a
// live region.
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { TestPanel } from "./TestPanel";

const FAILED_TEST = {
  success: false,
  response_code: 503,
  response_body: "upstream down",
  duration_ms: 87,
  error: "the receiver answered 503 Service Unavailable",
  attempt_id: "att_9",
  event_id: "evt_9",
  delivery_id: "dlv_9",
};

test("a failed test shows the response code, the error and the body", async () => {
  const calls = fakeApi({
    "POST /api/webhooks/wh_1/test": () => ({ status: 200, body: FAILED_TEST }),
  });
  const user = userEvent.setup();
  renderPage(<TestPanel webhookId="wh_1" />);

  await user.click(screen.getByRole("button", { name: "Send test" }));
  const result = await screen.findByRole("status", { name: "Test result" });
  await waitFor(() => expect(result).toHaveTextContent("Failed"));
  expect(result).toHaveTextContent("503");
  expect(result).toHaveTextContent("the receiver answered 503 Service Unavailable");
  expect(result).toHaveTextContent("87 ms");
  expect(result.querySelector("pre")).toHaveTextContent("upstream down");
  expect(screen.getByRole("link", { name: "Open the test delivery" })).toHaveAttribute("href", "/deliveries/dlv_9");
  expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/webhooks/wh_1/test"]);
  expect(calls[0].body).toBeUndefined();
});

test("while sending, the button says so and cannot be pressed twice", async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  fakeApi({
    "POST /api/webhooks/wh_1/test": () => ({ status: 200, body: { ...FAILED_TEST, success: true, response_code: 200 } }),
  });
  // Hold the answer until the button has been checked.
  const stubbed = globalThis.fetch;
  vi.stubGlobal("fetch", async (request: Request) => {
    await gate;
    return stubbed(request);
  });
  const user = userEvent.setup();
  renderPage(<TestPanel webhookId="wh_1" />);
  await user.click(screen.getByRole("button", { name: "Send test" }));
  expect(screen.getByRole("button", { name: "Sending…" })).toBeDisabled();
  release();
  await screen.findByRole("button", { name: "Send test" });
  expect(screen.getByRole("status", { name: "Test result" })).toHaveTextContent("Delivered");
});

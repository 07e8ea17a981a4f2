// The signing secret: hidden until revealed; rotation asks first, and only then posts and shows
// the new secret with the time the old one stops working.
import { render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { SecretPanel } from "./SecretPanel";
import { webhookKey } from "./queryKeys";

const OLD = "whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCBzZWNyZXQ=";
const NEW = "whsec_bmV3IHNlY3JldCBuZXcgc2VjcmV0IG5ldyBzZWNyZXQ=";

function secretApi() {
  return fakeApi({
    "GET /api/webhooks/wh_1/secret": () => ({ status: 200, body: { secret: OLD } }),
    "POST /api/webhooks/wh_1/rotate-secret": () => ({
      status: 200,
      body: { secret: NEW, previous_secret_expires_at: "2026-11-30T06:00:00.000Z" },
    }),
  });
}

test("the secret is fetched only when revealed, and can be hidden again", async () => {
  const calls = secretApi();
  const user = userEvent.setup();
  renderPage(<SecretPanel webhookId="wh_1" />);
  expect(screen.queryByText(OLD)).not.toBeInTheDocument();
  expect(calls).toHaveLength(0);

  await user.click(screen.getByRole("button", { name: "Reveal secret" }));
  const code = await screen.findByText(OLD);
  expect(code.tagName).toBe("CODE");
  expect(screen.getByRole("button", { name: "Copy secret" })).toBeInTheDocument();
  expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["GET /api/webhooks/wh_1/secret"]);

  await user.click(screen.getByRole("button", { name: "Hide secret" }));
  expect(screen.queryByText(OLD)).not.toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Reveal secret" })).toBeInTheDocument();
});

test("rotating asks for confirmation before posting, then shows the new secret", async () => {
  const calls = secretApi();
  const user = userEvent.setup();
  renderPage(<SecretPanel webhookId="wh_1" />);

  await user.click(screen.getByRole("button", { name: "Rotate secret" }));
  const dialog = screen.getByRole("alertdialog", { name: "Rotate secret" });
  expect(dialog).toHaveTextContent("24 hours");
  expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

  // Cancelling posts nothing.
  await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

  await user.click(screen.getByRole("button", { name: "Rotate secret" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Rotate secret" }));
  expect((await screen.findByText(NEW)).tagName).toBe("CODE");
  expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/webhooks/wh_1/rotate-secret"]);
  expect(screen.getByText(/previous secret keeps working until/)).toBeInTheDocument();
  await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
});

test("a refused rotation is shown in words", async () => {
  fakeApi({
    "POST /api/webhooks/wh_1/rotate-secret": () => ({
      status: 503,
      body: { code: "unavailable", status: 503, title: "Service Unavailable", detail: "" },
    }),
  });
  const user = userEvent.setup();
  renderPage(<SecretPanel webhookId="wh_1" />);
  await user.click(screen.getByRole("button", { name: "Rotate secret" }));
  await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Rotate secret" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("database is not answering");
});

test("refreshing the rest of the webhook's page does not read the secret again", async () => {
  const calls = secretApi();
  const user = userEvent.setup();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <SecretPanel webhookId="wh_1" />
    </QueryClientProvider>,
  );
  await user.click(screen.getByRole("button", { name: "Reveal secret" }));
  await screen.findByText(OLD);
  await client.invalidateQueries({ queryKey: webhookKey("wh_1") });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(calls.filter((c) => c.path.endsWith("/secret"))).toHaveLength(1);
});

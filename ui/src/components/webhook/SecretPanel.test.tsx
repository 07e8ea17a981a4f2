// The signing secret: hidden until revealed; rotation asks first, and only then posts and shows
// the new secret with the time the old one stops working. An Ed25519 (v1a) webhook's public key
// is shown openly, copyable, with what receivers do with it.
import { render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import userEvent from "@testing-library/user-event";
import { fakeApi, renderPage } from "../../test/render";
import { SecretPanel } from "./SecretPanel";
import { webhookKey } from "../../api/queryKeys";
import { aWebhook } from "./testData";

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
  renderPage(<SecretPanel webhook={aWebhook()} />);
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
  renderPage(<SecretPanel webhook={aWebhook()} />);

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
  renderPage(<SecretPanel webhook={aWebhook()} />);
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
      <SecretPanel webhook={aWebhook()} />
    </QueryClientProvider>,
  );
  await user.click(screen.getByRole("button", { name: "Reveal secret" }));
  await screen.findByText(OLD);
  await client.invalidateQueries({ queryKey: webhookKey("wh_1") });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(calls.filter((c) => c.path.endsWith("/secret"))).toHaveLength(1);
});

const PUBLIC = "whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
const NEXT_PUBLIC = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const KEY = "whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8DoQe/884Qvh1w3RjnS8CZZ+TWMJulDV8d3IZkElUxuA==";
const v1aWebhook = () =>
  aWebhook({ signature: { scheme: "v1a", simple_header: "x-webhook-signature", simple_prefix: "" }, public_key: PUBLIC });

test("a v1a webhook shows its public key openly, copyable, and says receivers verify with it", async () => {
  const calls = fakeApi({
    "GET /api/webhooks/wh_1/secret": () => ({ status: 200, body: { secret: KEY, public_key: PUBLIC } }),
  });
  const user = userEvent.setup();
  renderPage(<SecretPanel webhook={v1aWebhook()} />);
  const panel = screen.getByRole("region", { name: "Signing key" });
  expect(within(panel).getByText(PUBLIC).tagName).toBe("CODE");
  expect(within(panel).getByRole("button", { name: "Copy public key" })).toBeInTheDocument();
  expect(panel).toHaveTextContent("Receivers verify with this public key");
  expect(panel).toHaveTextContent("not a secret");
  expect(calls).toHaveLength(0);

  // The signing key itself stays hidden until asked for.
  expect(screen.queryByText(KEY)).not.toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Reveal secret" }));
  expect((await screen.findByText(KEY)).tagName).toBe("CODE");
});

test("rotating a v1a key shows the new public key and says the old key keeps working", async () => {
  fakeApi({
    "POST /api/webhooks/wh_1/rotate-secret": () => ({
      status: 200,
      body: { secret: KEY, public_key: NEXT_PUBLIC, previous_secret_expires_at: "2026-11-30T06:00:00.000Z" },
    }),
    "GET /api/webhooks/wh_1": () => ({ status: 200, body: v1aWebhook() }),
  });
  const user = userEvent.setup();
  renderPage(<SecretPanel webhook={v1aWebhook()} />);
  await user.click(screen.getByRole("button", { name: "Rotate secret" }));
  const dialog = screen.getByRole("alertdialog", { name: "Rotate secret" });
  expect(dialog).toHaveTextContent("new key pair");
  await user.click(within(dialog).getByRole("button", { name: "Rotate secret" }));
  expect((await screen.findByText(NEXT_PUBLIC)).tagName).toBe("CODE");
  expect(screen.queryByText(PUBLIC)).not.toBeInTheDocument();
  expect(screen.getByText(/previous key keeps working until/)).toBeInTheDocument();
});

test("a v1 webhook names its simple header, and right after a change of scheme the panel says so", () => {
  fakeApi({});
  const webhook = aWebhook({ signature: { scheme: "v1", simple_header: "x-hub-signature-256", simple_prefix: "sha256=" } });
  renderPage(<SecretPanel webhook={webhook} schemeChangedUntil="2026-11-30T06:00:00.000Z" />);
  const panel = screen.getByRole("region", { name: "Signing secret" });
  expect(within(panel).getByText("x-hub-signature-256").tagName).toBe("CODE");
  expect(panel).toHaveTextContent(/signature scheme changed: hookd made a new secret/);
  expect(panel).toHaveTextContent(/previous secret keeps signing, in its own scheme, until/);
  expect(screen.queryByRole("button", { name: "Copy public key" })).not.toBeInTheDocument();
});

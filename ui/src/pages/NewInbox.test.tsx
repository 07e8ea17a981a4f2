// "New inbox": the scheme picker shows only what the scheme needs; the secret is shown once.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { NewInbox } from "./NewInbox";
import { fakeApi, renderPage } from "../test/render";
import { inboxFixture } from "../test/inboxes";

test("shows each scheme's fields only", async () => {
  fakeApi({});
  renderPage(<NewInbox />);
  const scheme = screen.getByLabelText("Scheme");
  await userEvent.selectOptions(scheme, "hmac");
  expect(screen.getByLabelText("Signature header")).toBeInTheDocument();
  expect(screen.getByLabelText("Algorithm")).toBeInTheDocument();
  expect(screen.queryByLabelText(/Tolerance/)).not.toBeInTheDocument();
  await userEvent.selectOptions(scheme, "slack");
  expect(screen.getByLabelText("Secret")).toBeInTheDocument();
  expect(screen.getByLabelText("Tolerance (optional)")).toBeInTheDocument();
  expect(screen.queryByLabelText("Signature header")).not.toBeInTheDocument();
  await userEvent.type(screen.getByLabelText("Name"), "slack-app");
  // Slack issues the secret: without one the form waits.
  expect(screen.getByRole("button", { name: "Create inbox" })).toBeDisabled();
  await userEvent.selectOptions(scheme, "none");
  expect(screen.queryByLabelText(/^Secret/)).not.toBeInTheDocument();
});

test("creates the inbox, then shows its URL and secret once; field errors go to their fields", async () => {
  let tries = 0;
  const calls = fakeApi({
    "POST /api/inboxes": () => {
      tries += 1;
      if (tries === 1) {
        return { status: 422, body: { code: "invalid_input", errors: [{ field: "allowed_ips[0]", message: "is not an address or range" }] } };
      }
      return { status: 201, body: inboxFixture({ verify: { scheme: "github", secret: "generated-secret" } }) };
    },
  });
  renderPage(<NewInbox />);
  await userEvent.type(screen.getByLabelText("Name"), "github-prod");
  await userEvent.type(screen.getByLabelText("Allowed IPs (optional)"), "nonsense");
  await userEvent.click(screen.getByRole("button", { name: "Create inbox" }));
  expect(await screen.findByText("is not an address or range")).toBeInTheDocument();
  await userEvent.clear(screen.getByLabelText("Allowed IPs (optional)"));
  await userEvent.type(screen.getByLabelText("Allowed IPs (optional)"), "203.0.113.0/24");
  await userEvent.click(screen.getByRole("button", { name: "Create inbox" }));
  const created = await screen.findByRole("region", { name: "Inbox created" });
  expect(within(created).getByLabelText("Receive URL")).toHaveTextContent("http://localhost:3000/in/ibx_1");
  expect(within(created).getByText("generated-secret")).toBeInTheDocument();
  expect(calls.at(-1)?.body).toMatchObject({ name: "github-prod", verify: { scheme: "github" }, allowed_ips: ["203.0.113.0/24"] });
});

// "Edit inbox": the settings in the form, saved with PATCH (a field left empty goes back to its default).
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { EditInbox } from "./EditInbox";
import { fakeApi, renderPage } from "../test/render";
import { inboxFixture } from "../test/inboxes";

test("saves the changed settings", async () => {
  const calls = fakeApi({
    "GET /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture({ allowed_ips: ["203.0.113.0/24"] }) }),
    "PATCH /api/inboxes/ibx_1": () => ({ status: 200, body: inboxFixture() }),
  });
  renderPage(<EditInbox />, { path: "/inboxes/ibx_1/edit", route: "/inboxes/:id/edit" });
  const name = await screen.findByLabelText("Name");
  expect(name).toHaveValue("github-prod");
  expect(screen.getByLabelText("Allowed IPs (optional)")).toHaveValue("203.0.113.0/24");
  expect(screen.getByLabelText("Secret (optional)")).toHaveValue("");
  await userEvent.type(screen.getByLabelText("Rate limit (optional)"), "50");
  await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
  const patch = calls.find((c) => c.method === "PATCH");
  expect(patch?.body).toMatchObject({ name: "github-prod", rate_limit: 50, allowed_ips: ["203.0.113.0/24"], verify: { scheme: "github" } });
  expect((patch?.body as { verify: Record<string, unknown> }).verify.secret).toBeUndefined();
});

// Signing in: by the form, or by a portal link whose token leaves the address bar at once.
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SessionProvider, tokenFromFragment, useSession } from "./session";
import { SignIn } from "../pages/SignIn";
import { fakeApi } from "../test/render";

function WhoAmI() {
  const { session } = useSession();
  return session ? <p>signed in as {session.role} {session.tenant}</p> : <SignIn />;
}

beforeEach(() => {
  sessionStorage.clear();
  window.history.replaceState(null, "", "/");
});

test("a portal link's token is taken from the fragment and removed from the address", () => {
  window.history.replaceState(null, "", "/webhooks#token=hkd_secret");
  expect(tokenFromFragment()).toBe("hkd_secret");
  expect(window.location.href).not.toContain("hkd_secret");
  expect(window.location.pathname).toBe("/webhooks");
});

test("a portal link signs a tenant in and keeps the token for this tab only", async () => {
  const calls = fakeApi({
    "GET /api/session": () => ({ status: 200, body: { role: "tenant", tenant: "acme", token_id: "tok_1" } }),
  });
  window.history.replaceState(null, "", "/#token=hkd_acme");
  render(
    <SessionProvider>
      <WhoAmI />
    </SessionProvider>,
  );
  expect(await screen.findByText("signed in as tenant acme")).toBeInTheDocument();
  expect(calls).toHaveLength(1);
  expect(sessionStorage.getItem("hookd.token")).toBe("hkd_acme");
  expect(window.location.hash).toBe("");
});

test("an empty token is caught before asking the server, a wrong one is explained", async () => {
  const calls = fakeApi({
    "GET /api/session": () => ({
      status: 401,
      body: { status: 401, code: "unauthorized", detail: "Send a valid token" },
    }),
  });
  render(
    <SessionProvider>
      <WhoAmI />
    </SessionProvider>,
  );
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Sign in" }));
  expect(screen.getByText("Paste a token first.")).toBeInTheDocument();
  expect(calls).toHaveLength(0);
  await user.type(screen.getByLabelText("Token"), "wrong");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("This token was not accepted"));
  expect(sessionStorage.getItem("hookd.token")).toBeNull();
});

// The playground: made in one click (an inbox verifying Standard Webhooks, and a test webhook
// registered with the same secret), its URL and curl command, requests listed as they come.
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Playground } from "./Playground";
import { fakeApi, renderPage } from "../test/render";

const inbox = {
  id: "ibx_1", name: "Playground", tenant: "default", description: "", receive_url: "/in/ibx_1",
  verify: { scheme: "standard", tolerance: "5m" }, dedupe: { key: "auto", window: "7d" }, allowed_ips: [],
  rate_limit: null, max_body_bytes: 1048576, event_type: "inbox.{json:type}",
  response: { status: 200, content_type: "application/json" }, playground: true,
  expires_at: new Date(Date.now() + 24 * 3600_000 - 60_000).toISOString(), active: true,
  created_at: "2026-11-29T06:00:00.000Z", updated_at: "2026-11-29T06:00:00.000Z",
};
const request = {
  id: "req_1", inbox_id: "ibx_1", received_at: new Date().toISOString(), method: "POST", path: "/in/ibx_1",
  query: "", source_ip: "127.0.0.1", headers: [["content-type", "application/json"]], body_size: 12,
  verified: false, verify_error: "missing header webhook-id", duplicate_of: null, event_id: null,
};

test("one click makes the playground inbox and its test webhook with the same secret", async () => {
  let made = false;
  const calls = fakeApi({
    "GET /api/inboxes": () => ({ status: 200, body: { data: made ? [inbox] : [], next_cursor: null } }),
    "POST /api/inboxes": () => {
      made = true;
      return { status: 201, body: { ...inbox, verify: { ...inbox.verify, secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" } } };
    },
    "POST /api/webhooks": () => ({ status: 201, body: { id: "wh_1" } }),
    "GET /api/webhooks": () => ({ status: 200, body: { data: [], next_cursor: null } }),
    "GET /api/inboxes/ibx_1/requests": () => ({ status: 200, body: { data: [], next_cursor: null } }),
  });
  renderPage(<Playground />);
  await userEvent.click(await screen.findByRole("button", { name: "Create playground" }));
  expect(await screen.findByLabelText("Receive URL", { selector: "code" })).toHaveTextContent("http://localhost:3000/in/ibx_1");
  const created = calls.find((c) => c.method === "POST" && c.path === "/api/inboxes");
  expect(created?.body).toMatchObject({ playground: true, verify: { scheme: "standard" } });
  const webhook = calls.find((c) => c.method === "POST" && c.path === "/api/webhooks");
  expect(webhook?.body).toMatchObject({
    url: "http://localhost:3000/in/ibx_1",
    secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
    retry_schedule: ["5s", "10s"],
    ping: false,
  });
});

test("shows the URL, a curl command, the expiry and the requests received", async () => {
  fakeApi({
    "GET /api/inboxes": () => ({ status: 200, body: { data: [inbox], next_cursor: null } }),
    "GET /api/webhooks": () => ({
      status: 200,
      body: { data: [{ id: "wh_1", url: "http://localhost:3000/in/ibx_1", filter: null }], next_cursor: null },
    }),
    "GET /api/inboxes/ibx_1/requests": () => ({ status: 200, body: { data: [request], next_cursor: null } }),
  });
  renderPage(<Playground />);
  expect(await screen.findByLabelText("curl command")).toHaveTextContent("curl -X POST 'http://localhost:3000/in/ibx_1'");
  expect(screen.getByRole("button", { name: "Copy URL" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Copy curl command" })).toBeInTheDocument();
  expect(screen.getByText(/in 23 h 5\d min/)).toBeInTheDocument();
  const table = await screen.findByRole("table", { name: "Requests" });
  expect(within(table).getByText("not verified: missing header webhook-id")).toBeInTheDocument();
  expect(await screen.findByRole("button", { name: "Send test webhook" })).toBeEnabled();
  expect(screen.getByLabelText("The playground answers")).toHaveValue("200");
});

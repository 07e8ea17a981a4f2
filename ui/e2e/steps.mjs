// The browser test's steps, in order; each finds things by role and accessible name, as a
// person would, and checks the effect on the real server and receiver.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { until } from "./harness.mjs";
import { playgroundSteps } from "./playground-steps.mjs";
import { inboxSteps } from "./inbox-steps.mjs";
import { deadLetterSteps } from "./dead-letter-steps.mjs";
import { circuitSteps } from "./circuit-steps.mjs";

const link = (page, name) => page.getByRole("link", { name, exact: true });
const button = (page, name) => page.getByRole("button", { name, exact: true });
const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
/** Text that appears somewhere in a live region (role=status). */
const status = (page, text) => page.getByRole("status").filter({ hasText: text }).first();
/** Rows of the table called `table` that contain `text`. */
const rows = (page, table, text) => page.getByRole("table", { name: table }).getByRole("row").filter({ hasText: text });

/**
 * Standard Webhooks v1a, checked as a receiver in Node would, with the built-in crypto (OpenSSL's
 * Ed25519) and the public key alone: any `v1a,` entry that verifies over id.timestamp.body.
 */
function verifyV1a(publicKey, request) {
  const key = crypto.createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey.slice("whpk_".length), "base64").toString("base64url") },
    format: "jwk",
  });
  const { headers } = request;
  const content = Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${request.body}`, "utf8");
  return headers["webhook-signature"].split(" ")
    .filter((entry) => entry.startsWith("v1a,"))
    .some((entry) => crypto.verify(null, content, key, Buffer.from(entry.slice(4), "base64")));
}

async function goTo(world, label) {
  await nav(world.page, label).click();
  await world.page.getByRole("heading", { level: 1, name: label, exact: true }).waitFor();
}

async function signIn(page, base, token) {
  await page.goto(base);
  await page.getByLabel("Token").fill(token);
  await button(page, "Sign in").click();
}

export const steps = [
  ["a wrong token is refused in words", async ({ page, hookd, shoot }) => {
    await signIn(page, hookd.base, "not-a-token");
    await page.getByRole("alert").filter({ hasText: "not accepted" }).waitFor();
    await shoot(page, "sign-in-refused");
  }],

  ["the admin signs in and sees the dashboard", async ({ page, hookd, shoot }) => {
    await page.getByLabel("Token").fill(hookd.adminToken);
    await button(page, "Sign in").click();
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await nav(page, "Tokens").waitFor();
    assert.ok(!page.url().includes(hookd.adminToken), "the token is not in the address bar");
    await shoot(page, "dashboard-empty");
  }],

  ["a fresh install's add-webhook form offers hookd's own events and the names already published", async (world) => {
    const { page, hookd } = world;
    // An application that publishes before anyone filled the catalog.
    assert.equal((await hookd.request("POST", "/api/events", { type: "shipment.sent", data: { parcel: 1 } })).status, 202);
    await goTo(world, "Webhooks");
    await link(page, "Add webhook").first().click();
    await page.getByRole("heading", { level: 1, name: "Add webhook" }).waitFor();
    const own = page.getByRole("group", { name: "hookd's own events" });
    await own.getByRole("checkbox", { name: "webhook.ping", exact: true }).waitFor();
    await own.getByRole("checkbox", { name: "webhook.disabled", exact: true }).waitFor();
    const seen = page.getByRole("group", { name: "Seen in published events" });
    await seen.getByRole("checkbox", { name: "shipment.sent", exact: true }).waitFor();
    assert.equal(await page.getByRole("group", { name: "From the catalog" }).count(), 0, "the catalog is empty");
    await page.getByRole("group", { name: "Events" }).getByRole("link", { name: "Event types" }).waitFor();
    await page.getByRole("checkbox", { name: "All events (*)" }).waitFor();
    await page.getByLabel("Other events").waitFor();
    await world.shoot(page, "add-webhook-fresh");
  }],

  ["event types are added, with a schema, and deleted", async (world) => {
    const { page, shoot } = world;
    await goTo(world, "Event types");
    const add = async (name, description, schema) => {
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Description", { exact: true }).fill(description);
      await page.getByLabel("JSON Schema (optional)").fill(schema ?? "");
      await button(page, "Add event type").click();
      await rows(page, "Event types", name).first().waitFor();
    };
    await add("order.created", "An order was placed",
      JSON.stringify({ type: "object", required: ["amount"], properties: { amount: { type: "number" } } }));
    await add("order.paid", "An order was paid");
    await add("user.signed_up", "A user signed up");
    await add("scratch.type", "To be deleted");
    await button(page, "Delete scratch.type").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete event type" }).click();
    await rows(page, "Event types", "scratch.type").waitFor({ state: "detached" });
    await shoot(page, "event-types");
    const listed = await world.hookd.request("GET", "/api/event-types");
    assert.deepEqual(listed.body.data.map((t) => t.name).sort(), ["order.created", "order.paid", "user.signed_up"]);
  }],

  ["a bad URL is refused at its field", async (world) => {
    const { page } = world;
    await goTo(world, "Webhooks");
    await link(page, "Add webhook").first().click();
    await page.getByRole("heading", { level: 1, name: "Add webhook" }).waitFor();
    await page.getByLabel("URL", { exact: true }).fill("ftp://example.com/hooks");
    await page.getByRole("checkbox", { name: "order.created" }).check();
    await button(page, "Create webhook").click();
    await page.getByText(/http/i).and(page.locator(".field-error")).first().waitFor();
    // The server's own check: a URL that resolves to a metadata address is refused.
    await page.getByLabel("URL", { exact: true }).fill("http://169.254.169.254/latest");
    await button(page, "Create webhook").click();
    // The message names the setting that would allow it (its wording around that may change).
    await page.locator(".field-invalid").filter({ has: page.getByLabel("URL", { exact: true }) })
      .locator(".field-error").filter({ hasText: "HOOKD_ALLOWED_NETWORKS" }).waitFor();
    await world.shoot(page, "add-webhook-errors");
  }],

  ["a webhook is added with two events ticked; the secret is shown once and the ping arrives", async (world) => {
    const { page, receiver } = world;
    await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/hooks`);
    await page.getByRole("checkbox", { name: "order.paid" }).check();
    await page.getByLabel("Other events").fill("invoice.*");
    await page.getByLabel("Description", { exact: true }).fill("Orders to the shop backend");
    await page.getByText("Advanced options").click();
    await page.getByLabel("Retry schedule").fill("1s, 1s");
    await page.getByLabel("Timeout (ms)").fill("5000");
    await page.getByLabel("Max in flight").fill("4");
    await button(page, "Add header").click();
    await page.getByLabel("Header name").fill("X-Api-Key");
    await page.getByLabel("Header value").fill("shop-key");
    await world.shoot(page, "add-webhook-form");
    await button(page, "Create webhook").click();
    const created = page.getByRole("region", { name: "Webhook created" });
    await created.waitFor();
    const secret = (await created.locator("code").filter({ hasText: "whsec_" }).first().textContent()).trim();
    await created.getByRole("button", { name: "Copy secret" }).waitFor();
    assert.match(secret, /^whsec_/);
    world.state.secret = secret;
    await created.getByText(/Ping delivered/).waitFor({ timeout: 20_000 });
    await world.shoot(page, "webhook-created");
    const ping = receiver.of("webhook.ping");
    assert.equal(ping.length, 1, "the ping reached the receiver");
    assert.equal(ping[0].headers["x-api-key"], "shop-key", "custom header sent");
    const webhooks = (await world.hookd.request("GET", "/api/webhooks")).body.data;
    assert.equal(webhooks.length, 1);
    assert.deepEqual([...webhooks[0].events].sort(), ["invoice.*", "order.created", "order.paid"]);
    assert.equal(webhooks[0].max_in_flight, 4);
    assert.equal(webhooks[0].timeout_ms, 5000);
    assert.deepEqual(webhooks[0].retry_schedule, ["1s", "1s"]);
    world.state.webhookId = webhooks[0].id;
    await link(created, "Open webhook").click();
    await page.getByRole("heading", { level: 1, name: `${receiver.url}/hooks` }).waitFor();
  }],

  ["an event is published from the UI, with its JSON checked", async (world) => {
    const { page, receiver } = world;
    await goTo(world, "Events");
    await link(page, "Publish event").first().click();
    await page.getByRole("heading", { level: 1, name: "Publish event" }).waitFor();
    await page.getByLabel("Event type").fill("order.created");
    const data = page.getByLabel("Data (JSON)");
    await data.fill('{"amount": ');
    await page.getByText(/Not valid JSON/).waitFor();
    assert.ok(await button(page, "Publish").isDisabled(), "Publish waits for valid JSON");
    // The catalog's schema is enforced by the server and shown at the field.
    await data.fill('{"amount": "lots"}');
    await button(page, "Publish").click();
    await page.locator(".field-error").filter({ hasText: /amount|number|data/ }).first().waitFor();
    await data.fill('{"amount": 42, "currency": "EUR"}');
    await button(page, "Publish").click();
    await status(page, "published to 1").waitFor();
    await world.shoot(page, "event-published");
    await until("the receiver got order.created", () => receiver.of("order.created").length === 1);
    const body = JSON.parse(receiver.of("order.created")[0].body);
    assert.deepEqual(body.data, { amount: 42, currency: "EUR" });
    await link(page, "Open event").click();
    await rows(page, "Deliveries", "succeeded").first().waitFor();
    await world.shoot(page, "event-page");
  }],

  ["the delivery shows as succeeded in the webhook's logs, with its details", async (world) => {
    const { page } = world;
    await page.goto(`${world.hookd.base}/webhooks/${world.state.webhookId}`);
    const succeeded = rows(page, "Delivery attempts", "order.created");
    await succeeded.filter({ hasText: "succeeded" }).first().waitFor();
    await succeeded.filter({ hasText: "200" }).first().waitFor();
    await page.getByRole("img", { name: /Attempts over time: 2 succeeded and 0 failed/ }).waitFor();
    await page.getByRole("img", { name: /Average latency over time: average from/ }).waitFor();
    const figures = page.getByRole("region", { name: "Deliveries over time" });
    await figures.getByText("Attempt success", { exact: true }).waitFor();
    await figures.getByText("of attempts, last 24 hours").waitFor();
    assert.equal(await page.getByText("Success rate", { exact: true }).count(), 0, "no figure is just \"Success rate\"");
    await page.getByText("0 failed deliveries in a row").waitFor();
    await world.shoot(page, "webhook-page");
    await page.getByRole("link", { name: /Details of attempt 1 of order\.created/ }).click();
    await page.getByRole("heading", { level: 1, name: "Delivery" }).waitFor();
    world.state.deliveryPath = new URL(page.url()).pathname;
    const attempt = page.getByRole("article", { name: "Attempt 1" });
    await attempt.getByRole("cell", { name: "webhook-signature", exact: true }).waitFor();
    // The custom header is sent, and its value is masked here.
    const sent = attempt.getByRole("table", { name: "Request headers of attempt 1" });
    await sent.getByRole("row").filter({ hasText: /x-api-key/i }).getByRole("cell", { name: "***", exact: true }).waitFor();
    // The receiver's answer: its headers (the test receiver sends text/plain) and its body.
    const answer = attempt.getByRole("table", { name: "Response headers of attempt 1" });
    await answer.getByRole("row").filter({ hasText: "content-type" }).getByRole("cell", { name: "text/plain", exact: true }).waitFor();
    await attempt.getByText("thanks").waitFor();
    // It succeeded: no retry is offered, only a "Send again" that asks first.
    assert.equal(await button(page, "Retry delivery").count(), 0, "a delivered delivery offers no retry");
    await button(page, "Send again").click();
    await page.getByRole("alertdialog", { name: "Send again" }).getByText(/succeeded/).waitFor();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    await page.getByText('"currency": "EUR"').first().waitFor();
    await world.shoot(page, "delivery-details");
  }],

  ["when the receiver fails, the retries show up in the logs", async (world) => {
    const { page, receiver, hookd } = world;
    receiver.status = 500;
    await hookd.request("POST", "/api/events", { type: "order.paid", data: { order: 7 } });
    await page.goto(`${hookd.base}/webhooks/${world.state.webhookId}`);
    const failedRows = rows(page, "Delivery attempts", "order.paid").filter({ hasText: "failed" });
    await until("three failed attempts in the table (refreshing on its own)", async () => (await failedRows.count()) === 3);
    await page.getByRole("link", { name: /Details of attempt 3 of order\.paid/ }).waitFor();
    // One delivery, one Retry: on its newest failed attempt.
    await until("one Retry for the delivery", async () =>
      (await failedRows.getByRole("button", { name: "Retry delivery of order.paid" }).count()) === 1);
    assert.equal(
      await failedRows.filter({ hasText: "#3" }).getByRole("button", { name: "Retry delivery of order.paid" }).count(), 1);
    await world.shoot(page, "webhook-retries");
  }],

  ["a failed delivery is retried by hand and succeeds", async (world) => {
    const { page, receiver } = world;
    receiver.status = 200;
    await page.getByRole("button", { name: "Retry delivery of order.paid" }).first().click();
    await status(page, "Retry queued").waitFor();
    await rows(page, "Delivery attempts", "order.paid").filter({ hasText: "succeeded" }).first().waitFor();
    assert.equal(receiver.of("order.paid").length, 4);
    // The delivery succeeded in the end: its failed attempts offer no Retry, and say so.
    const failedRows = rows(page, "Delivery attempts", "order.paid").filter({ hasText: "failed" });
    await until("the failed attempts to lose their Retry", async () =>
      (await failedRows.getByRole("button", { name: /Retry/ }).count()) === 0 &&
      (await failedRows.filter({ hasText: "delivered later" }).count()) === 3);
    await world.shoot(page, "webhook-retried");
  }],

  ["failed deliveries since a time are recovered", async (world) => {
    const { page, receiver, hookd } = world;
    receiver.status = 503;
    await hookd.request("POST", "/api/events", { type: "order.created", data: { amount: 1 } });
    await until("the order.created delivery to fail for good", async () => {
      const events = (await hookd.request("GET", "/api/events?type=order.created")).body.data;
      const event = (await hookd.request("GET", `/api/events/${events[0].id}`)).body;
      return event.deliveries[0].status === "failed";
    });
    receiver.status = 200;
    const recover = page.getByRole("region", { name: "Recover failed deliveries" });
    await button(recover, "Preview").click();
    await status(page, "Recovering would re-queue 1 delivery").waitFor();
    await recover.getByRole("list", { name: "First deliveries to retry" }).getByRole("link", { name: "order.created" }).waitFor();
    await world.shoot(page, "webhook-recover-preview");
    await button(page, "Recover failed deliveries").click();
    await status(page, "Re-queued 1").waitFor();
    await until("the recovered delivery to arrive", () =>
      receiver.of("order.created").filter((r) => JSON.parse(r.body).data.amount === 1).length === 4);
    await world.shoot(page, "webhook-recovered");
  }],

  ["send test shows the receiver's answer", async ({ page, receiver, shoot }) => {
    const before = receiver.of("webhook.ping").length;
    await button(page, "Send test").click();
    await status(page, "200").waitFor();
    assert.equal(receiver.of("webhook.ping").length, before + 1);
    await shoot(page, "webhook-test-sent");
  }],

  ["the webhook is disabled and enabled", async ({ page, hookd, state, shoot }) => {
    await button(page, "Disable").click();
    await button(page, "Enable").waitFor();
    await page.getByText("disabled by hand").first().waitFor();
    assert.equal((await hookd.request("GET", `/api/webhooks/${state.webhookId}`)).body.active, false);
    await shoot(page, "webhook-disabled");
    await nav(page, "Dashboard").click();
    const attention = page.getByRole("region", { name: "Webhooks that need attention" });
    await attention.getByRole("link", { name: /\/hooks$/ }).waitFor();
    await attention.getByText("disabled by hand").waitFor();
    await shoot(page, "dashboard-attention");
    await page.goBack();
    await button(page, "Enable").click();
    await button(page, "Disable").waitFor();
    assert.equal((await hookd.request("GET", `/api/webhooks/${state.webhookId}`)).body.active, true);
  }],

  ["the secret is revealed and rotated; deliveries then carry both signatures", async (world) => {
    const { page, hookd, receiver, state } = world;
    await button(page, "Reveal secret").click();
    await page.locator("code").filter({ hasText: state.secret }).waitFor();
    await button(page, "Copy secret").waitFor();
    await button(page, "Rotate secret").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Rotate secret" }).click();
    const fresh = await until("a new secret on the page", async () => {
      const codes = await page.locator("code").filter({ hasText: "whsec_" }).allTextContents();
      return codes.map((c) => c.trim()).find((c) => c !== state.secret);
    });
    const stored = (await hookd.request("GET", `/api/webhooks/${state.webhookId}/secret`)).body.secret;
    assert.equal(fresh, stored, "the page shows the secret the server now signs with");
    await world.shoot(page, "webhook-secret-rotated");
    await hookd.request("POST", "/api/events", { type: "order.paid", data: { order: 8 } });
    await until("the next delivery", () => receiver.of("order.paid").some((r) => JSON.parse(r.body).data.order === 8));
    const signatures = receiver.of("order.paid").find((r) => JSON.parse(r.body).data.order === 8).headers["webhook-signature"];
    assert.equal(signatures.split(" ").length, 2, `both secrets sign during the overlap: ${signatures}`);
  }],

  ["the logs are filtered and paged", async (world) => {
    const { page, hookd, receiver, state } = world;
    for (let i = 0; i < 55; i += 1) {
      await hookd.request("POST", "/api/events", { type: "invoice.sent", data: { n: i } });
    }
    await until("55 invoices delivered", () => receiver.of("invoice.sent").length === 55);
    const table = page.getByRole("table", { name: "Delivery attempts" });
    const filters = page.getByRole("group", { name: "Filter attempts" });
    await filters.getByLabel("Status").selectOption("failed");
    await until("only failed attempts listed", async () => {
      const texts = await table.locator("tbody tr").allTextContents();
      return texts.length === 6 && texts.every((t) => t.includes("failed"));
    });
    await filters.getByLabel("Event type").fill("order.paid");
    await until("only failed order.paid attempts", async () => {
      const texts = await table.locator("tbody tr").allTextContents();
      return texts.length === 3 && texts.every((t) => t.includes("order.paid"));
    });
    await filters.getByLabel("Status").selectOption("");
    await filters.getByLabel("Event type").fill("invoice.sent");
    await until("a full first page of invoices", async () => (await table.locator("tbody tr").count()) === 50);
    const pages = page.getByRole("navigation", { name: "Pages" });
    await pages.getByRole("button", { name: "Older" }).click();
    await pages.getByText("Page 2").waitFor();
    await until("the other five on page 2", async () => (await table.locator("tbody tr").count()) === 5);
    await world.shoot(page, "webhook-logs-page-2");
    await pages.getByRole("button", { name: "Newer" }).click();
    await until("back on page 1", async () => (await table.locator("tbody tr").count()) === 50);
    await filters.getByLabel("Event type").fill("");
    assert.equal(state.webhookId.startsWith("wh_"), true);
  }],

  ["the webhook is edited", async ({ page, hookd, state }) => {
    await link(page, "Edit").click();
    await page.getByRole("heading", { level: 1, name: "Edit webhook" }).waitFor();
    await page.getByLabel("Description", { exact: true }).fill("Orders, edited");
    await button(page, "Save changes").click();
    await page.getByText("Orders, edited").first().waitFor();
    assert.equal((await hookd.request("GET", `/api/webhooks/${state.webhookId}`)).body.description, "Orders, edited");
  }],

  ["the events list shows each event with its deliveries", async (world) => {
    await goTo(world, "Events");
    await rows(world.page, "Events", "invoice.sent").first().waitFor();
    await world.page.getByLabel("Type", { exact: true }).fill("order.paid");
    await until("only order.paid events", async () => {
      const texts = await world.page.getByRole("table", { name: "Events" }).locator("tbody tr").allTextContents();
      return texts.length === 2 && texts.every((t) => t.includes("order.paid"));
    });
    await rows(world.page, "Events", "succeeded").first().waitFor();
    await world.shoot(world.page, "events");
  }],

  ["the dashboard charts what happened", async (world) => {
    const { page } = world;
    await goTo(world, "Dashboard");
    await page.getByRole("img", { name: /Attempts over time: \d+ succeeded and [1-9]\d* failed/ }).waitFor();
    await page.getByRole("img", { name: /Average latency over time: average from/ }).waitFor();
    for (const label of ["Delivery success", "Attempt success"]) {
      await until(`the ${label} figure`, async () => /%$/.test(await page.getByLabel(label, { exact: true }).textContent()));
    }
    await page.getByText("of all finished deliveries").waitFor();
    await page.getByText("of attempts, last 24 hours").waitFor();
    assert.equal(await page.getByLabel("Window").inputValue(), "24h", "the same default window as a webhook's page");
    assert.equal(await page.getByText("Success rate", { exact: true }).count(), 0);
    await world.shoot(page, "dashboard");
  }],

  ["a tenant token is made; its portal link shows that tenant only", async (world) => {
    const { page, hookd, receiver, browser } = world;
    const acme = await hookd.request("POST", "/api/webhooks", {
      url: `${receiver.url}/acme`, events: ["order.created"], tenant: "acme", ping: false, description: "Acme's own",
    });
    assert.equal(acme.status, 201);
    world.state.acmeWebhook = acme.body.id;
    await goTo(world, "Tokens");
    await page.getByLabel("Name", { exact: true }).fill("Acme Corp");
    await page.getByLabel("Tenant", { exact: true }).fill("acme");
    await button(page, "Create token").click();
    const created = page.getByRole("region", { name: "Token created" });
    const portal = (await created.locator("code").filter({ hasText: "#token=" }).textContent()).trim();
    assert.ok(portal.startsWith(`${hookd.base}/#token=`), portal);
    await rows(page, "Tokens", "Acme Corp").waitFor();
    await world.shoot(page, "tokens");

    const customer = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const portalPage = await customer.newPage();
    await portalPage.goto(portal);
    await portalPage.getByText("Portal · acme").waitFor();
    assert.ok(!portalPage.url().includes("token="), "the token leaves the address bar");
    assert.equal(await nav(portalPage, "Tokens").count(), 0, "no admin pages in a portal");
    await nav(portalPage, "Webhooks").click();
    await rows(portalPage, "Webhooks", "/acme").waitFor();
    assert.equal(await rows(portalPage, "Webhooks", "/hooks").count(), 0, "another tenant's webhook is hidden");
    await world.shoot(portalPage, "tenant-portal");
    await portalPage.goto(`${hookd.base}/webhooks/${world.state.webhookId}`);
    await portalPage.getByText(/isn't there|not found/i).first().waitFor();
    world.state.portal = { context: customer, page: portalPage };
  }],

  ["the webhooks list searches and filters", async (world) => {
    const { page } = world;
    await goTo(world, "Webhooks");
    const table = page.getByRole("table", { name: "Webhooks" });
    await rows(page, "Webhooks", "/acme").waitFor();
    await rows(page, "Webhooks", "/hooks").waitFor();
    await rows(page, "Webhooks", "/hooks").getByText(/%$/).waitFor();
    await table.getByRole("columnheader", { name: "Attempt success (24 h)" }).waitFor();
    await page.getByLabel("Search", { exact: true }).fill("acme");
    await until("only Acme's webhook", async () => (await table.getByRole("row").filter({ hasText: "127.0.0.1" }).count()) === 1);
    assert.equal(await rows(page, "Webhooks", "/acme").count(), 1);
    await page.getByLabel("Search", { exact: true }).fill("");
    await page.getByLabel("Status", { exact: true }).selectOption({ label: "Disabled" });
    await page.getByText("No webhooks match these filters.").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption({ label: "All" });
    await page.getByLabel("Event", { exact: true }).fill("order.paid");
    await until("only the webhook for order.paid", async () => (await table.getByRole("row").filter({ hasText: "127.0.0.1" }).count()) === 1);
    await rows(page, "Webhooks", "/hooks").waitFor();
    await world.shoot(page, "webhooks-filtered");
    await page.getByLabel("Event", { exact: true }).fill("");
  }],

  ["a revoked token stops working", async (world) => {
    const { page } = world;
    await goTo(world, "Tokens");
    await button(page, "Revoke Acme Corp").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await rows(page, "Tokens", "Acme Corp").waitFor({ state: "detached" });
    const { page: portalPage, context } = world.state.portal;
    await until("the portal to lose access", async () => {
      await portalPage.reload();
      return (await portalPage.getByRole("button", { name: "Sign in" }).count()) > 0;
    }, 15_000);
    await context.close();
  }],

  ["the audit log says who changed what, and filters by action", async (world) => {
    const { page } = world;
    await goTo(world, "Audit log");
    const log = page.getByRole("table", { name: "Audit log" });
    await log.getByRole("row").filter({ hasText: "Token revoked" }).waitFor();
    await log.getByRole("row").filter({ hasText: "Secret rotated" }).first().waitFor();
    const created = log.getByRole("row").filter({ hasText: "Webhook created" }).first();
    await created.getByRole("cell", { name: "admin", exact: true }).waitFor();
    await created.getByRole("cell", { name: "127.0.0.1", exact: true }).waitFor();
    await world.shoot(page, "audit-log");
    await page.getByLabel("Action", { exact: true }).selectOption({ label: "Token created" });
    await until("only token creations", async () => {
      const texts = await log.locator("tbody tr").allTextContents();
      return texts.length === 1 && texts[0].includes("Token created");
    });
    const text = await page.locator("main").textContent();
    assert.ok(!text.includes("whsec_"), "no secret in the audit log");
  }],

  ["the About page says what this hookd keeps, and for how long", async (world) => {
    const { page } = world;
    await goTo(world, "About");
    const retention = page.getByRole("region", { name: "Retention" });
    await retention.getByText("30 days").first().waitFor();
    await retention.getByText("7 days").waitFor();
    await page.getByRole("region", { name: "Server" }).getByText("SQLite").waitFor();
    await world.shoot(page, "about");
  }],

  ["a webhook is deleted after confirming", async (world) => {
    const { page, hookd, state } = world;
    await page.goto(`${hookd.base}/webhooks/${state.acmeWebhook}`);
    await button(page, "Delete").click();
    const dialog = page.getByRole("alertdialog", { name: "Delete webhook" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    assert.equal((await hookd.request("GET", `/api/webhooks/${state.acmeWebhook}`)).status, 200, "cancel keeps it");
    await button(page, "Delete").click();
    await dialog.getByRole("button", { name: "Delete webhook" }).click();
    await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
    assert.equal((await hookd.request("GET", `/api/webhooks/${state.acmeWebhook}`)).status, 404);
  }],

  ["an Ed25519 (v1a) webhook is added; its ping verifies in Node's crypto with the public key shown", async (world) => {
    const { page, receiver } = world;
    await goTo(world, "Webhooks");
    await link(page, "Add webhook").first().click();
    await page.getByRole("heading", { level: 1, name: "Add webhook" }).waitFor();
    await page.getByLabel("URL", { exact: true }).fill(`${receiver.url}/ed25519`);
    await page.getByLabel("Other events").fill("e2e.signed");
    await page.getByText("Advanced options").click();
    await page.getByLabel("Signature scheme").selectOption("v1a");
    await page.getByLabel("Secret", { exact: true }).waitFor();
    assert.equal(await page.getByLabel("Simple signature header").count(), 0, "no simple header with v1a");
    await button(page, "Create webhook").click();
    const created = page.getByRole("region", { name: "Webhook created" });
    await created.waitFor();
    const publicKey = (await created.locator("code").filter({ hasText: "whpk_" }).first().textContent()).trim();
    await created.getByRole("button", { name: "Copy public key" }).waitFor();
    await world.shoot(page, "webhook-created-v1a");
    const ping = await until("the v1a ping", () => receiver.requests.find((r) => r.path === "/ed25519"));
    assert.match(ping.headers["webhook-signature"], /^v1a,/);
    assert.equal(ping.headers["x-webhook-signature"], undefined, "no simple (HMAC) header with v1a");
    assert.ok(verifyV1a(publicKey, ping), "the ping verifies with the public key");
    assert.ok(!verifyV1a(publicKey, { ...ping, body: ping.body.replace("ping", "pong") }), "a changed body does not");
    await link(created, "Open webhook").click();
    const panel = page.getByRole("region", { name: "Signing key" });
    await panel.locator("code").filter({ hasText: publicKey }).waitFor();
    await panel.getByRole("button", { name: "Copy public key" }).waitFor();
    await world.shoot(page, "webhook-v1a-key");
  }],

  ...playgroundSteps,
  ...inboxSteps,
  ...deadLetterSteps,
  ...circuitSteps,

  ["pages fit a phone-width window", async (world) => {
    const { page, hookd, state } = world;
    await page.setViewportSize({ width: 390, height: 844 });
    const pages = [
      ["/", "phone-dashboard"],
      [`/webhooks/${state.webhookId}`, "phone-webhook"],
      [String(state.deliveryPath), "phone-delivery"],
      ["/webhooks/new", "phone-add-webhook"],
      ["/playground", "phone-playground"],
      [String(state.inboxes?.github.path), "phone-inbox"],
      ["/inboxes/new", "phone-new-inbox"],
      ["/deliveries?status=succeeded", "phone-deliveries"],
      ["/about", "phone-about"],
    ];
    for (const [path, name] of pages) {
      if (path.includes("undefined")) continue; // a page of a step not run (HOOKD_E2E_ONLY)
      await page.goto(`${hookd.base}${path}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      // A page that follows a stream is never network-idle: it is loaded once the stream is live.
      const live = page.getByRole("region", { name: "Requests" }).getByText("Live");
      if (name === "phone-playground" || name === "phone-inbox") await live.waitFor();
      else await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} is ${overflow}px wider than the window`);
      await world.shoot(page, name);
    }
  }],

  ["signing out returns to the sign-in page", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await button(page, "Sign out").click();
    await button(page, "Sign in").waitFor();
  }],
];

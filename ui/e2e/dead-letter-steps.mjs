// The browser test's steps for failed deliveries: a webhook with no retries to a receiver of its
// own that answers 500 makes real failed deliveries; the Failed deliveries page lists them,
// "Retry all matching" counts them in a dry run with the oldest first, and once the receiver is
// fixed retries them, paced, until they succeed.
import assert from "node:assert/strict";
import { startReceiver, until } from "./harness.mjs";

const button = (page, name) => page.getByRole("button", { name, exact: true });
const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
const status = (page, text) => page.getByRole("status").filter({ hasText: text }).first();
const deliveryRows = (page) => page.getByRole("table", { name: "Deliveries" }).locator("tbody tr");
const STOCK_EVENTS = 3;

export const deadLetterSteps = [
  ["failed deliveries: deliveries that ran out of retries are listed, with links", async (world) => {
    const { page, hookd } = world;
    const receiver = await startReceiver();
    receiver.status = 500;
    world.state.deadLetters = { receiver };
    const created = await hookd.request("POST", "/api/webhooks", {
      url: `${receiver.url}/stock`, events: ["stock.*"], ping: false, retry_schedule: [],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const webhookId = created.body.id;
    world.state.deadLetters.webhookId = webhookId;
    for (let n = 1; n <= STOCK_EVENTS; n += 1) {
      assert.equal((await hookd.request("POST", "/api/events", { type: "stock.low", data: { sku: `sku-${n}` } })).status, 202);
    }
    await until("three failed stock.low deliveries", async () =>
      (await hookd.request("GET", `/api/deliveries?status=failed&webhook=${webhookId}`)).body.data.length === STOCK_EVENTS);
    assert.equal(receiver.requests.length, STOCK_EVENTS, "one attempt each: no retries");

    await nav(page, "Failed deliveries").click();
    await page.getByRole("heading", { level: 1, name: "Failed deliveries" }).waitFor();
    assert.equal(await page.getByLabel("Status", { exact: true }).inputValue(), "failed");
    // The filter applies once typing has paused: wait for the list it asks for.
    const filtered = page.waitForResponse((r) => r.url().includes(`/api/deliveries?`) && r.url().includes(`webhook=${webhookId}`));
    await page.getByLabel("Webhook", { exact: true }).fill(webhookId);
    await filtered;
    await until("only the stock webhook's failed deliveries", async () => {
      const texts = await deliveryRows(page).allTextContents();
      return texts.length === STOCK_EVENTS && texts.every((t) => t.includes("stock.low") && t.includes("failed"));
    });
    const first = deliveryRows(page).first();
    await first.getByRole("link", { name: `${receiver.url}/stock` }).waitFor();
    assert.match(await first.getByRole("link", { name: "stock.low" }).getAttribute("href"), /^\/events\/evt_/);
    assert.match(await first.getByRole("link", { name: /^Details of delivery dlv_/ }).getAttribute("href"), /^\/deliveries\/dlv_/);
    await world.shoot(page, "failed-deliveries");
  }],

  ["failed deliveries: retry all matching counts first, then retries them and they succeed", async (world) => {
    const { page, hookd } = world;
    const { receiver, webhookId } = world.state.deadLetters;
    await button(page, "Retry all matching").click();
    await status(page, `${STOCK_EVENTS} failed deliveries match`).waitFor();
    const preview = page.getByRole("region", { name: "Retry all matching" });
    await preview.getByText("at most 10 a second per webhook").waitFor();
    assert.equal(await preview.getByRole("listitem").count(), STOCK_EVENTS);
    assert.equal(receiver.requests.length, STOCK_EVENTS, "a dry run sends nothing");
    await world.shoot(page, "failed-deliveries-dry-run");

    receiver.status = 200;
    await button(preview, `Retry ${STOCK_EVENTS} failed deliveries`).click();
    await status(page, `${STOCK_EVENTS} re-queued; the last attempt is due at`).waitFor();
    await until("the retried deliveries to arrive", () => receiver.requests.length === STOCK_EVENTS * 2);
    await page.getByText("No deliveries match these filters.").waitFor();
    await world.shoot(page, "failed-deliveries-retried");

    await page.getByLabel("Status", { exact: true }).selectOption("succeeded");
    await until("the stock deliveries listed as succeeded", async () => {
      const texts = await deliveryRows(page).allTextContents();
      return texts.length === STOCK_EVENTS && texts.every((t) => t.includes("succeeded"));
    });
    assert.equal(await button(page, "Retry all matching").count(), 0, "only failed deliveries are retried in bulk");
    const left = (await hookd.request("GET", `/api/deliveries?status=failed&webhook=${webhookId}`)).body.data;
    assert.equal(left.length, 0);
    await world.shoot(page, "failed-deliveries-succeeded");
    await receiver.close();
  }],
];

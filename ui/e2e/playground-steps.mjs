// The browser test's steps for the playground: made in one click, hookd's own test webhook
// arriving live and verified, a request opened, a failing answer and its retries, a filter.
import assert from "node:assert/strict";
import { until } from "./harness.mjs";

const button = (page, name) => page.getByRole("button", { name, exact: true });
const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
const status = (page, text) => page.getByRole("status").filter({ hasText: text }).first();
const requestRows = (page) => page.getByRole("table", { name: "Requests" }).locator("tbody tr");

export const playgroundSteps = [
  ["playground: the playground is made in one click and shows its URL and a curl command", async (world) => {
    const { page, hookd } = world;
    await nav(page, "Playground").click();
    await page.getByRole("heading", { level: 1, name: "Playground" }).waitFor();
    await button(page, "Create playground").click();
    const where = page.getByRole("region", { name: "Receive URL" });
    const url = (await where.getByLabel("Receive URL").textContent()).trim();
    assert.match(url, new RegExp(`^${hookd.base}/in/ibx_`));
    await where.getByLabel("curl command").filter({ hasText: `curl -X POST '${url}'` }).waitFor();
    await where.getByRole("button", { name: "Copy URL" }).waitFor();
    await where.getByRole("button", { name: "Copy curl command" }).waitFor();
    await where.getByText(/expires in 2[34] h \d+ min/).waitFor();
    await page.getByRole("region", { name: "Requests" }).getByText("Live").waitFor();
    const inboxes = (await hookd.request("GET", "/api/inboxes?playground=true")).body.data;
    assert.equal(inboxes.length, 1);
    assert.equal(inboxes[0].verify.scheme, "standard");
    world.state.playground = { url, id: inboxes[0].id };
  }],

  ["playground: a test webhook arrives live, signed and verified", async (world) => {
    const { page } = world;
    await button(page, "Send test webhook").click();
    await status(page, "watch it arrive").waitFor();
    const row = requestRows(page).filter({ hasText: "signature valid" });
    await row.first().waitFor();
    assert.equal(await requestRows(page).count(), 1);
    await page.getByLabel("Test delivery").getByText("succeeded").waitFor();
  }],

  ["playground: a request opens to its headers and pretty JSON body", async (world) => {
    const { page } = world;
    await requestRows(page).first().getByRole("button", { name: /^Open request req_/ }).click();
    const detail = page.getByRole("region", { name: /^Request req_/ });
    const headers = detail.getByRole("table", { name: "Request headers" });
    await headers.getByRole("cell", { name: "webhook-signature", exact: true }).waitFor();
    await detail.getByLabel("Body (JSON)").filter({ hasText: '"order_id": 42' }).waitFor();
    await detail.getByRole("link", { name: /^evt_/ }).waitFor();
    await world.shoot(page, "playground");
  }],

  ["playground: anything sent to the playground shows up, unsigned ones marked not verified", async (world) => {
    const { page, state } = world;
    const answer = await fetch(state.playground.url, { method: "POST", body: "plain text, no signature" });
    assert.equal(answer.status, 401);
    await requestRows(page).filter({ hasText: "not verified: missing header webhook-id" }).first().waitFor();
  }],

  ["playground: when the playground answers 500, the retries arrive", async (world) => {
    const { page } = world;
    await button(page, "Close request").click();
    const before = await requestRows(page).count();
    await page.getByLabel("The playground answers").selectOption("500");
    await page.getByLabel("Data (JSON)").fill('{"order_id": 43, "amount": 5}');
    await button(page, "Send test webhook").click();
    await status(page, "watch it arrive").waitFor();
    // The first attempt and two retries, 5 s and 10 s apart; the copies are duplicates.
    await until("three attempts in the list", async () => (await requestRows(page).count()) === before + 3, 40_000);
    assert.equal(await requestRows(page).filter({ hasText: "duplicate" }).count(), 2);
    await page.getByLabel("Test delivery").getByText("failed").waitFor();
    await page.getByLabel("Test delivery").getByText("3 attempts").waitFor();
    await world.shoot(page, "playground-retries");
  }],

  ["playground: a filter that is false delivers nothing", async (world) => {
    const { page } = world;
    const before = await requestRows(page).count();
    await page.getByLabel("The playground answers").selectOption("200");
    await page.getByLabel("Filter (optional)").fill("data.amount > 1000");
    await button(page, "Send test webhook").click();
    await status(page, "nothing is delivered").waitFor();
    await page.getByLabel("Filter (optional)").fill("");
    await page.getByLabel("Data (JSON)").fill('{"order_id": 44, "amount": 5000}');
    await button(page, "Send test webhook").click();
    await status(page, "watch it arrive").waitFor();
    await until("the next request", async () => (await requestRows(page).count()) === before + 1);
  }],

  ["playground: a tenant makes and uses a playground of its own", async (world) => {
    const { hookd, browser, state } = world;
    const made = await hookd.request("POST", "/api/tokens", { name: "Globex", tenant: "globex" });
    assert.equal(made.status, 201);
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${hookd.base}/#token=${made.body.token}`);
    await page.getByText("Portal · globex").waitFor();
    await nav(page, "Playground").click();
    // The admin's playground is not the tenant's.
    await button(page, "Create playground").click();
    const url = (await page.getByRole("region", { name: "Receive URL" }).getByLabel("Receive URL").textContent()).trim();
    assert.notEqual(url, state.playground.url);
    await button(page, "Send test webhook").click();
    await requestRows(page).filter({ hasText: "signature valid" }).first().waitFor();
    const theirs = (await hookd.request("GET", "/api/inboxes?playground=true&tenant=globex")).body.data;
    assert.equal(theirs.length, 1);
    assert.equal(theirs[0].tenant, "globex");
    await context.close();
  }],
];

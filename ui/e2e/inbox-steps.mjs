// The browser test's steps for inboxes: one made per scheme family through the form, each sent
// a request signed as an outside sender would (HMACs in Node's crypto) and seen arriving in its
// history; a request opened to its event; filters; a window replayed after a dry run; a new
// secret; editing; deleting.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { until } from "./harness.mjs";

const button = (page, name) => page.getByRole("button", { name, exact: true });
const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
const status = (page, text) => page.getByRole("status").filter({ hasText: text }).first();
const requestRows = (page) => page.getByRole("table", { name: "Requests" }).locator("tbody tr");
const hmac = (algorithm, key, text, encoding = "hex") => crypto.createHmac(algorithm, key).update(text).digest(encoding);

/** How each family's sender signs `body` with `secret`: the headers it adds. */
const SIGNERS = {
  github: (secret, body) => ({
    "x-hub-signature-256": `sha256=${hmac("sha256", secret, body)}`,
    "x-github-event": "issues",
    "x-github-delivery": crypto.randomUUID(),
  }),
  stripe: (secret, body) => {
    const t = Math.floor(Date.now() / 1000);
    return { "stripe-signature": `t=${t},v1=${hmac("sha256", secret, `${t}.${body}`)}` };
  },
  hmac: (secret, body) => ({ "x-signature": hmac("sha512", secret, body, "base64") }),
  token: (secret) => ({ "x-webhook-token": secret }),
};

async function send(url, scheme, secret, body) {
  const headers = { "content-type": "application/json", ...SIGNERS[scheme](secret, body) };
  return fetch(url, { method: "POST", headers, body });
}

/** Fills the new-inbox form for `scheme` and returns the inbox's URL and secret. */
async function createInbox(world, scheme, fill = async () => {}) {
  const { page } = world;
  await nav(page, "Inboxes").click();
  await page.getByRole("heading", { level: 1, name: "Inboxes" }).waitFor();
  await page.getByRole("link", { name: "New inbox" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill(`${scheme}-inbox`);
  await page.getByLabel("Scheme", { exact: true }).selectOption(scheme);
  await fill(page);
  await button(page, "Create inbox").click();
  const created = page.getByRole("region", { name: "Inbox created" });
  const url = (await created.getByLabel("Receive URL").textContent()).trim();
  const secret = (await created.locator("code.secret").textContent()).trim();
  await created.getByRole("link", { name: "Open inbox" }).click();
  await page.getByRole("heading", { level: 1, name: `${scheme}-inbox` }).waitFor();
  await page.getByRole("region", { name: "Requests" }).getByText("Live").waitFor();
  return { url, secret, path: new URL(page.url()).pathname };
}

export const inboxSteps = [
  ["inboxes: the form shows only the fields each scheme needs", async (world) => {
    const { page } = world;
    await nav(page, "Inboxes").click();
    await page.getByRole("link", { name: "New inbox" }).first().click();
    const scheme = page.getByLabel("Scheme", { exact: true });
    await scheme.selectOption("stripe");
    await page.getByLabel("Secret", { exact: true }).waitFor();
    await page.getByLabel("Tolerance (optional)").waitFor();
    assert.equal(await page.getByLabel("Signature header").count(), 0);
    await scheme.selectOption("hmac");
    await page.getByLabel("Signature header").waitFor();
    await page.getByLabel("Algorithm").waitFor();
    assert.equal(await page.getByLabel("Tolerance (optional)").count(), 0);
    await scheme.selectOption("none");
    assert.equal(await page.getByLabel(/^Secret/).count(), 0);
    await world.shoot(page, "new-inbox-form");
  }],

  ["inboxes: one per scheme family receives a request signed in Node and shows it live", async (world) => {
    const { page, hookd, receiver } = world;
    // A service that subscribes to what arrives from GitHub.
    const subscriber = await hookd.request("POST", "/api/webhooks", {
      url: `${receiver.url}/from-github`, events: ["github.*"], ping: false, retry_schedule: ["1s"],
    });
    assert.equal(subscriber.status, 201);
    world.state.githubSubscriber = subscriber.body.id;
    const families = [
      ["github", async () => {}],
      ["stripe", async (p) => p.getByLabel("Secret", { exact: true }).fill("whsec_e2e_stripe_secret")],
      ["hmac", async (p) => {
        await p.getByLabel("Signature header").fill("X-Signature");
        await p.getByLabel("Algorithm").selectOption("sha512");
        await p.getByLabel("Encoding").selectOption("base64");
      }],
      ["token", async () => {}],
    ];
    world.state.inboxes = {};
    for (const [scheme, fill] of families) {
      const inbox = await createInbox(world, scheme, fill);
      const body = JSON.stringify({ id: `evt_${scheme}`, type: "thing.happened", n: 1 });
      const answer = await send(inbox.url, scheme, inbox.secret, body);
      assert.equal(answer.status, 200, `${scheme}: ${await answer.text()}`);
      await requestRows(page).filter({ hasText: "signature valid" }).first().waitFor();
      world.state.inboxes[scheme] = inbox;
    }
  }],

  ["inboxes: a forged request is kept unverified; filters and a request's event", async (world) => {
    const { page, state } = world;
    const github = state.inboxes.github;
    await page.goto(`${world.hookd.base}${github.path}`);
    await page.getByRole("region", { name: "Requests" }).getByText("Live").waitFor();
    await requestRows(page).first().waitFor();
    const body = JSON.stringify({ action: "opened" });
    const forged = await fetch(github.url, { method: "POST", headers: { "x-hub-signature-256": "sha256=deadbeef" }, body });
    assert.equal(forged.status, 401);
    await requestRows(page).filter({ hasText: "not verified: no signature matched" }).first().waitFor();
    assert.equal(await requestRows(page).count(), 2);
    await page.getByLabel("Verification", { exact: true }).selectOption("false");
    await until("only the forged one", async () => (await requestRows(page).count()) === 1);
    await page.getByLabel("Verification", { exact: true }).selectOption("");
    await until("both again", async () => (await requestRows(page).count()) === 2);
    await requestRows(page).filter({ hasText: "signature valid" }).getByRole("button", { name: /^Open request/ }).click();
    const detail = page.getByRole("region", { name: /^Request req_/ });
    await detail.getByRole("link", { name: /^evt_/ }).waitFor();
    const deliveries = detail.getByRole("table", { name: "Deliveries of its event" });
    await deliveries.getByRole("row").filter({ hasText: "succeeded" }).waitFor();
    await detail.getByLabel("Body (JSON)").filter({ hasText: '"type": "thing.happened"' }).waitFor();
    await until("the subscriber got github.issues", () => world.receiver.of("github.issues").length === 1);
    await button(detail, "Replay request").click();
    await status(page, "Replayed as event").waitFor();
    await world.shoot(page, "inbox-page");
    // The delivery's page says where its event came from, and links back.
    await deliveries.getByRole("link", { name: /^dlv_/ }).click();
    await page.getByRole("heading", { level: 1, name: "Delivery" }).waitFor();
    await page.getByRole("link", { name: /^inbox request req_/ }).click();
    await page.getByRole("heading", { level: 1, name: "Received request" }).waitFor();
    await page.getByRole("link", { name: "github-inbox" }).waitFor();
    // So does the events list.
    await nav(page, "Events").click();
    const fromInbox = page.getByRole("table", { name: "Events" }).getByRole("row").filter({ hasText: "github.issues" });
    await fromInbox.getByRole("link", { name: /^From inbox request req_/ }).first().click();
    await page.getByRole("heading", { level: 1, name: "Received request" }).waitFor();
    await page.goto(`${world.hookd.base}${github.path}`);
    await page.getByRole("region", { name: "Requests" }).getByText("Live").waitFor();
  }],

  ["inboxes: a time window is replayed after a dry run", async (world) => {
    const { page, hookd } = world;
    const replay = page.getByRole("region", { name: "Replay a time window" });
    await button(replay, "Preview replay").click();
    await status(page, "This will replay 1 request").waitFor();
    await replay.getByRole("list", { name: "First requests to replay" }).getByRole("listitem").first().waitFor();
    const before = (await hookd.request("GET", "/api/events?type=github.issues&limit=100")).body.data.length;
    await button(replay, "Replay 1 request").click();
    await status(page, "Replayed 1 request as new events").waitFor();
    const after = (await hookd.request("GET", "/api/events?type=github.issues&limit=100")).body.data.length;
    assert.equal(after, before + 1);
  }],

  ["inboxes: a new secret is set; the old one no longer verifies", async (world) => {
    const { page, state } = world;
    const github = state.inboxes.github;
    const panel = page.getByRole("region", { name: "Secret" });
    await button(panel, "Generate").click();
    await button(panel, "Set a new secret").click();
    const fresh = (await panel.getByRole("region", { name: "New secret set" }).locator("code").textContent()).trim();
    assert.notEqual(fresh, github.secret);
    const body = JSON.stringify({ after: "rotation" });
    assert.equal((await send(github.url, "github", github.secret, body)).status, 401);
    assert.equal((await send(github.url, "github", fresh, body)).status, 200);
  }],

  ["inboxes: an inbox is edited, and deleted after confirming", async (world) => {
    const { page, hookd, state } = world;
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Edit inbox" }).waitFor();
    await page.getByLabel("Description", { exact: true }).fill("GitHub issues");
    await page.getByLabel("Rate limit (optional)").fill("50");
    await button(page, "Save changes").click();
    await page.getByText("GitHub issues").first().waitFor();
    await page.getByText("50 requests per second").waitFor();
    await nav(page, "Inboxes").click();
    const table = page.getByRole("table", { name: "Inboxes" });
    await table.getByRole("row").filter({ hasText: "token-inbox" }).waitFor();
    await page.getByLabel("Search", { exact: true }).fill("stripe");
    await until("only the stripe inbox", async () => (await table.locator("tbody tr").count()) === 1);
    await world.shoot(page, "inboxes");
    await page.getByLabel("Search", { exact: true }).fill("");
    await button(page, "Delete token-inbox").click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete inbox" }).click();
    await table.getByRole("row").filter({ hasText: "token-inbox" }).waitFor({ state: "detached" });
    const token = state.inboxes.token;
    assert.equal((await send(token.url, "token", token.secret, "{}")).status, 404);
    assert.ok((await hookd.request("GET", "/api/inboxes")).body.data.every((i) => i.name !== "token-inbox"));
  }],
];

// The browser test's steps for the delivery controls: a webhook whose receiver fails everything
// has its circuit opened by the breaker (a badge on the list, a notice with the next probe on its
// page); once the receiver is back, a probe closes it and every delivery arrives. The edit form
// shows the breaker's settings and sets ordering per field.
import assert from "node:assert/strict";
import { startReceiver, until } from "./harness.mjs";

const nav = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
const PARCELS = 4;

export const circuitSteps = [
  ["delivery controls: a failing receiver opens the circuit, shown on the list and the webhook's page", async (world) => {
    const { page, hookd } = world;
    const receiver = await startReceiver();
    receiver.status = 500;
    const created = await hookd.request("POST", "/api/webhooks", {
      url: `${receiver.url}/parcels`, events: ["parcel.*"], ping: false, description: "Parcel tracker",
      breaker: { failures: 2, cooldown: "2s", max_cooldown: "4s" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const webhookId = created.body.id;
    world.state.circuit = { receiver, webhookId };
    for (let n = 1; n <= PARCELS; n += 1) {
      assert.equal((await hookd.request("POST", "/api/events", { type: "parcel.moved", data: { parcel: n } })).status, 202);
    }
    await until("the circuit to open", async () =>
      (await hookd.request("GET", `/api/webhooks/${webhookId}`)).body.circuit.state !== "closed");

    await nav(page, "Webhooks").click();
    const row = page.getByRole("table", { name: "Webhooks" }).getByRole("row").filter({ hasText: "Parcel tracker" });
    await row.getByText(/circuit (open|probing)/).waitFor();
    await world.shoot(page, "circuit-open-list");

    await row.getByRole("link", { name: `${receiver.url}/parcels` }).click();
    const notice = page.getByRole("status").filter({ has: page.getByRole("heading", { name: /^Circuit (open|probing)$/ }) });
    await notice.waitFor();
    assert.match(await notice.textContent(), /2 attempts in a row failed/);
    assert.match(await notice.textContent(), /without using up their retries/);
    await world.shoot(page, "circuit-open-webhook");
  }],

  ["delivery controls: the receiver comes back, a probe closes the circuit and the backlog arrives", async (world) => {
    const { page, hookd } = world;
    const { receiver, webhookId } = world.state.circuit;
    receiver.status = 200;
    await until("every parcel delivered", async () => {
      const delivered = new Set(
        receiver
          .of("parcel.moved")
          .filter((r) => r.answered === 200)
          .map((r) => r.headers["webhook-id"]),
      );
      return delivered.size === PARCELS;
    }, 30_000);
    await until("the notice to go", async () =>
      (await page.getByRole("heading", { name: /^Circuit (open|probing)$/ }).count()) === 0, 15_000);
    const webhook = (await hookd.request("GET", `/api/webhooks/${webhookId}`)).body;
    assert.equal(webhook.circuit.state, "closed");
    await world.shoot(page, "circuit-closed-webhook");
  }],

  ["delivery controls: the edit form shows the breaker and sets ordering per field", async (world) => {
    const { page, hookd } = world;
    const { webhookId } = world.state.circuit;
    await page.getByRole("link", { name: "Edit", exact: true }).click();
    await page.getByText("Advanced options").click();
    assert.equal(await page.getByLabel("Opens after failed attempts").inputValue(), "2");
    assert.equal(await page.getByLabel("First probe after").inputValue(), "2s");
    await page.getByLabel("Deliver in publish order").selectOption("field");
    await page.getByLabel("Field", { exact: true }).fill("data.parcel");
    await page.getByRole("group", { name: "Ordering" }).scrollIntoViewIfNeeded();
    await world.shoot(page, "delivery-controls-form");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("per value of data.parcel: in publish order within each value").waitFor();
    assert.equal((await hookd.request("GET", `/api/webhooks/${webhookId}`)).body.ordering, "json:data.parcel");
  }],
];

// End-to-end tests of the web UI in Debian's Chromium, against a real hookd and a real
// receiver: everything a person can do in the UI, in the order a person would do it. Each
// step saves a screenshot in e2e/screenshots/. Run with HOOKD_BIN=<path to hookd>.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { launchBrowser, screenshotter, startHookd, startReceiver, until } from "./harness.mjs";
import { steps } from "./steps.mjs";

const binary = process.env.HOOKD_BIN;
assert.ok(binary, "set HOOKD_BIN to the hookd binary to test");
const here = dirname(fileURLToPath(import.meta.url));
const shoot = screenshotter(join(here, "screenshots"));

const receiver = await startReceiver();
const hookd = await startHookd(binary);
const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
const page = await context.newPage();
page.setDefaultTimeout(15_000);
const consoleErrors = [];
page.on("pageerror", (error) => consoleErrors.push(String(error)));

const world = { page, context, browser, hookd, receiver, shoot, until, state: {} };
let failed = 0;
let passed = 0;
try {
  // HOOKD_E2E_ONLY=<regex> runs the sign-in steps and the steps whose names match (for work on one part).
  const only = process.env.HOOKD_E2E_ONLY ? new RegExp(process.env.HOOKD_E2E_ONLY) : null;
  const chosen = only ? steps.filter(([name], index) => index < 2 || only.test(name)) : steps;
  for (const [name, run] of chosen) {
    const started = Date.now();
    try {
      await run(world);
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n${error.stack ?? error}`);
      await shoot(page, `failed-${name.replace(/\W+/g, "-")}`).catch(() => {});
      break; // later steps build on earlier ones
    }
  }
  if (consoleErrors.length > 0) {
    failed += 1;
    console.log(`FAIL the page threw:\n${consoleErrors.join("\n")}`);
  }
} finally {
  await browser.close();
  hookd.stop();
  await receiver.close();
}
console.log(`${passed} passed, ${failed} failed; screenshots in ${join(here, "screenshots")}; hookd log in ${hookd.dir}`);
process.exit(failed === 0 ? 0 : 1);

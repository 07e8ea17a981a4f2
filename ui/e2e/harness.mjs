// The real parts the browser tests run against: a hookd child process on a fresh SQLite file,
// a receiver on loopback that can be told to fail, and Debian's Chromium.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.HOOKD_TEST_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A webhook receiver: answers `status` (200 until told otherwise) and keeps every request. */
export async function startReceiver() {
  const receiver = { status: 200, requests: [] };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      receiver.requests.push({
        path: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answered: receiver.status,
      });
      response.writeHead(receiver.status, { "content-type": "text/plain" });
      response.end(receiver.status < 300 ? "thanks" : "receiver is down for the test");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${server.address().port}`;
  receiver.close = () => new Promise((resolve) => server.close(resolve));
  /** Requests received for events of `type`. */
  receiver.of = (type) => receiver.requests.filter((r) => r.headers["x-webhook-event"] === type);
  return receiver;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `hookd serve` with an admin token, loopback allowed, and fast retries. */
export async function startHookd(binary) {
  const dir = mkdtempSync(join(tmpdir(), "hookd-e2e-"));
  const port = await freePort();
  const adminToken = `e2e-admin-${Math.random().toString(36).slice(2)}`;
  const log = openSync(join(dir, "hookd.log"), "a");
  const child = spawn(binary, ["serve"], {
    env: {
      PATH: process.env.PATH,
      HOOKD_LISTEN: `127.0.0.1:${port}`,
      HOOKD_DATABASE_URL: `sqlite://${join(dir, "hookd.db")}`,
      HOOKD_ADMIN_TOKEN: adminToken,
      HOOKD_ALLOWED_NETWORKS: "127.0.0.0/8",
      HOOKD_RETRY_SCHEDULE: "1s,1s",
      HOOKD_SCAN_INTERVAL: "100ms",
    },
    stdio: ["ignore", log, log],
  });
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`hookd exited early; see ${dir}/hookd.log`);
    if (Date.now() - started > 30_000) throw new Error("hookd did not come up in 30 s");
    await new Promise((r) => setTimeout(r, 50));
  }
  /** Calls the API as the admin. */
  const request = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return { base, adminToken, dir, request, stop: () => child.kill("SIGTERM") };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** Saves full-page screenshots as `<dir>/<nn>-<name>.png`, numbered in the order taken. */
export function screenshotter(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return async (page, name) => {
    count += 1;
    const file = join(dir, `${String(count).padStart(2, "0")}-${name}.png`);
    // From the top, so the sticky header is drawn where it belongs.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** Polls `check` until it returns something truthy, or fails with `what`. */
export async function until(what, check, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

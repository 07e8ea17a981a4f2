// @vitest-environment node
// The typed client's schema must be generated from ui/openapi.json as it is now (a Rust test
// checks that ui/openapi.json is the server's document), so the UI can't drift from the API.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test("schema.d.ts is generated from the current openapi.json", async () => {
  const document = JSON.parse(readFileSync(here("../../openapi.json"), "utf8"));
  const generated = astToString(await openapiTS(document));
  const committed = readFileSync(here("./schema.d.ts"), "utf8");
  const strip = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
  expect(strip(committed)).toBe(strip(generated));
});

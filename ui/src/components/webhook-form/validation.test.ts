// The form's own checks mirror the API's URL, retry schedule and header rules, and the server's indexed field errors land
// at the field (and name the event) they are about.
import { ApiError } from "../../api/errors";
import { checkRetrySchedule, checkSimpleHeader, checkSimplePrefix, checkUrl, placeServerErrors, validate } from "./validation";
import { emptyValues, newHeaderRow, toCreateBody, toPatchBody } from "./values";

test("checkUrl accepts absolute http(s) URLs and explains every refusal", () => {
  expect(checkUrl("https://example.com/hooks?x=1")).toBeUndefined();
  expect(checkUrl("http://127.0.0.1:9000/")).toBeUndefined();
  expect(checkUrl("")).toMatch(/Enter the URL/);
  expect(checkUrl("example.com/hooks")).toMatch(/absolute URL/);
  expect(checkUrl("ftp://example.com")).toMatch(/http:\/\/ or https:\/\//);
  expect(checkUrl("https://user:pw@example.com")).toMatch(/user:password@/);
  expect(checkUrl(`https://example.com/${"a".repeat(2048)}`)).toMatch(/at most 2048/);
});

test("validate checks numbers, secrets and header rows", () => {
  const values = {
    ...emptyValues(),
    url: "https://example.com",
    checkedEvents: ["order.created"],
    timeoutMs: "120001",
    rateLimit: "ten",
    secret: "hunter2",
    headers: [newHeaderRow("X-Key", "1"), newHeaderRow("x-key", "2"), newHeaderRow("", "orphan")],
  };
  const errors = validate(values, "create");
  expect(errors.timeoutMs).toMatch(/from 100 to 120000/);
  expect(errors.rateLimit).toMatch(/from 1 to 10000/);
  expect(errors.secret).toMatch(/whsec_/);
  expect(errors[`header:${values.headers[1].id}`]).toMatch(/already set/);
  expect(errors[`header:${values.headers[2].id}`]).toMatch(/Give this header a name/);
  expect(validate({ ...values, secret: "hunter2" }, "edit").secret).toBeUndefined();
});

test("server errors for events[1] and headers.Host are placed at their fields", () => {
  const values = { ...emptyValues(), checkedEvents: ["order.created"], otherEvents: "bad name", headers: [newHeaderRow("Host", "x")] };
  const error = new ApiError(422, "validation_failed", "Please correct…", [
    { field: "events[1]", message: "must be segments of letters, digits, '_' or '-' joined by '.'" },
    { field: "headers.Host", message: "is set by hookd and cannot be overridden" },
    { field: "active", message: "something the form does not show" },
  ]);
  const placed = placeServerErrors(error, values, new Set(["url", "events"]));
  expect(placed.errors.events).toBe("“bad”: must be segments of letters, digits, '_' or '-' joined by '.'.");
  expect(placed.errors[`header:${values.headers[0].id}`]).toBe("Is set by hookd and cannot be overridden.");
  expect(placed.unplaced).toBe(true);
});

test("a URL refusal gets its subject back; other messages become sentences as they are", () => {
  const error = new ApiError(422, "validation_failed", "Please correct…", [
    { field: "url", message: "resolves to 10.0.0.1, which is a private address not in HOOKD_ALLOWED_NETWORKS" },
    { field: "filter", message: "expected a value after '>' (at character 8)" },
  ]);
  const placed = placeServerErrors(error, emptyValues(), new Set(["url", "filter"]));
  expect(placed.errors.url).toBe("The URL resolves to 10.0.0.1, which is a private address not in HOOKD_ALLOWED_NETWORKS.");
  expect(placed.errors.filter).toBe("Expected a value after '>' (at character 8).");
  expect(placed.unplaced).toBe(false);
});

test("clearing the timeout on edit sends the documented default; untouched fields are not sent", () => {
  const initial = { ...emptyValues(), url: "https://example.com", checkedEvents: ["a.b"], timeoutMs: "5000", maxInFlight: "4" };
  expect(toPatchBody(initial, { ...initial })).toEqual({});
  expect(toPatchBody(initial, { ...initial, timeoutMs: "" })).toEqual({ timeout_ms: 10000 });
});

test("checkRetrySchedule takes exactly what the server takes: a whole number and one unit per item, 1s to 7d, at most 20", () => {
  for (const good of ["", "30s", "1s, 5m, 1h, 1d", " 7d ,1m", "05m", "604800s"]) {
    expect(checkRetrySchedule(good), good).toBeUndefined();
  }
  expect(checkRetrySchedule("1m 5m")).toMatch(/“1m 5m” holds more than one delay: separate them with commas \(1m, 5m\)/);
  for (const bad of ["1 minute", "1minute", "1.5m", "1h30m", "60", "m", "-1m", "1M", "1 m", "soon"]) {
    expect(checkRetrySchedule(`30s, ${bad}`), bad).toMatch(/is not a delay: write a whole number and one unit/);
  }
  expect(checkRetrySchedule("0s")).toBe("“0s” is outside 1s to 7d.");
  expect(checkRetrySchedule("8d")).toMatch(/outside 1s to 7d/);
  expect(checkRetrySchedule("604801s")).toMatch(/outside 1s to 7d/);
  expect(checkRetrySchedule("99999999999999999999999d")).toMatch(/outside 1s to 7d/);
  expect(checkRetrySchedule(Array(20).fill("1s").join(","))).toBeUndefined();
  expect(checkRetrySchedule(Array(21).fill("1s").join(","))).toMatch(/at most 20/);
});

test("only the headers hookd sets are reserved, not the whole x-webhook- prefix", () => {
  const values = {
    ...emptyValues(),
    url: "https://example.com",
    checkedEvents: ["order.created"],
    headers: [
      newHeaderRow("X-Webhook-Token", "t"),
      newHeaderRow("Webhook-Source", "s"),
      newHeaderRow("X-Webhook-Event", "e"),
      newHeaderRow("webhook-SIGNATURE", "v1,x"),
      newHeaderRow("Host", "example.com"),
      newHeaderRow("Authorization", "Bearer x"),
    ],
  };
  const errors = validate(values, "create");
  const error = (index: number) => errors[`header:${values.headers[index].id}`];
  expect(error(0)).toBeUndefined();
  expect(error(1)).toBeUndefined();
  expect(error(2)).toBe("X-Webhook-Event is set by hookd and cannot be a custom header.");
  expect(error(3)).toMatch(/is set by hookd/);
  expect(error(4)).toMatch(/is set by hookd/);
  expect(error(5)).toBeUndefined();
});

test("the simple header is a header name hookd does not set (its own default name aside); the prefix short visible ASCII", () => {
  for (const good of ["", "X-Hub-Signature-256", "x-webhook-signature", "X-Webhook-Signature", "Signature"]) {
    expect(checkSimpleHeader(good), good).toBeUndefined();
  }
  for (const bad of ["Bad Name", "x:y", "x".repeat(65)]) expect(checkSimpleHeader(bad), bad).toMatch(/letters, digits and -/);
  for (const reserved of ["webhook-signature", "Content-Type", "X-Webhook-Event", "host"]) {
    expect(checkSimpleHeader(reserved), reserved).toMatch(/set by hookd or by HTTP itself/);
  }
  for (const good of ["", "sha256=", "v0=", "p".repeat(32)]) expect(checkSimplePrefix(good), good).toBeUndefined();
  expect(checkSimplePrefix("p".repeat(33))).toMatch(/at most 32/);
  expect(checkSimplePrefix("sha 256=")).toMatch(/without spaces/);
  expect(checkSimplePrefix("ü")).toMatch(/visible ASCII/);
});

test("a v1a secret must be a whsk_ key and a v1 secret a whsec_; the edit form checks neither", () => {
  const base = { ...emptyValues(), url: "https://example.com", checkedEvents: ["a.b"] };
  expect(validate({ ...base, signatureScheme: "v1a", secret: "whsec_abc" }, "create").secret).toMatch(/starts with whsk_/);
  expect(validate({ ...base, signatureScheme: "v1a", secret: "whsk_abc" }, "create").secret).toBeUndefined();
  expect(validate({ ...base, secret: "whsk_abc" }, "create").secret).toMatch(/starts with whsec_/);
});

test("signature fields are sent only when set, and server errors about them land at their fields", () => {
  const base = { ...emptyValues(), url: "https://example.com", checkedEvents: ["a.b"] };
  expect(toCreateBody(base, { chooseTenant: false })).not.toHaveProperty("signature");
  expect(toCreateBody({ ...base, signatureScheme: "v1a" }, { chooseTenant: false }).signature).toEqual({ scheme: "v1a" });
  // Typed, then hidden by choosing v1a: neither checked nor sent.
  const hidden = { ...base, signatureScheme: "v1a" as const, simpleHeader: "Bad Name", simplePrefix: "a b" };
  expect(validate(hidden, "create")).toEqual({});
  expect(toCreateBody(hidden, { chooseTenant: false }).signature).toEqual({ scheme: "v1a" });
  const initial = { ...base, simpleHeader: "x-webhook-signature" };
  expect(toPatchBody(initial, { ...initial, simpleHeader: "X-Webhook-Signature" })).toEqual({});
  expect(toPatchBody(initial, { ...initial, simplePrefix: "v0=" })).toEqual({ signature: { simple_prefix: "v0=" } });

  const error = new ApiError(422, "validation_failed", "Please correct…", [
    { field: "signature.simple_header", message: "is a header hookd sets itself or HTTP owns; choose another name" },
    { field: "signature.scheme", message: "must be v1 (HMAC-SHA256) or v1a (Ed25519)" },
  ]);
  const placed = placeServerErrors(error, base, new Set(["simpleHeader", "signatureScheme"]));
  expect(placed.errors.simpleHeader).toBe("Is a header hookd sets itself or HTTP owns; choose another name.");
  expect(placed.errors.signatureScheme).toBe("Must be v1 (HMAC-SHA256) or v1a (Ed25519).");
  expect(placed.unplaced).toBe(false);
});

test("the breaker's fields follow the server's ranges, and an empty field takes the default", () => {
  const base = { ...emptyValues(), url: "https://example.com", checkedEvents: ["order.created"] };
  expect(validate(base, "create")).toEqual({});
  const errors = validate(
    { ...base, breakerFailures: "0", breakerCooldown: "2d", breakerMaxCooldown: "5 minutes", breakerDisableAfter: "forever" },
    "create",
  );
  expect(errors.breakerFailures).toMatch(/from 1 to 1000/);
  expect(errors.breakerCooldown).toMatch(/outside 1s to 1d/);
  expect(errors.breakerMaxCooldown).toMatch(/not a duration/);
  expect(errors.breakerDisableAfter).toMatch(/Or write never/);
  expect(validate({ ...base, breakerCooldown: "2h" }, "create").breakerMaxCooldown).toMatch(/can't be shorter/);
  expect(validate({ ...base, breakerDisableAfter: "never" }, "create")).toEqual({});
  // Turned off, its numbers don't matter.
  expect(validate({ ...base, breakerEnabled: false, breakerFailures: "0" }, "create")).toEqual({});
});

test("an ordering field must be a path in the event's data", () => {
  const base = { ...emptyValues(), url: "https://example.com", checkedEvents: ["order.created"], orderingMode: "field" as const };
  expect(validate({ ...base, orderingField: "data.order_id" }, "create")).toEqual({});
  expect(validate({ ...base, orderingField: "order_id" }, "create").orderingField).toMatch(/starting with data/);
  expect(validate({ ...base, orderingField: "" }, "create").orderingField).toMatch(/starting with data/);
});

test("create sends the breaker and ordering only when they differ from the defaults", () => {
  const base = { ...emptyValues(), url: "https://example.com", checkedEvents: ["order.created"] };
  const plain = toCreateBody(base, { chooseTenant: false });
  expect(plain.breaker).toBeUndefined();
  expect(plain.ordering).toBeUndefined();
  const set = toCreateBody(
    { ...base, breakerFailures: "3", breakerCooldown: "30s", breakerDisableAfter: "never", orderingMode: "field", orderingField: " data.order_id " },
    { chooseTenant: false },
  );
  expect(set.breaker).toEqual({ failures: 3, disable_after: null });
  expect(set.ordering).toBe("json:data.order_id");
  expect(toCreateBody({ ...base, breakerEnabled: false, orderingMode: "webhook" }, { chooseTenant: false })).toMatchObject({
    breaker: { enabled: false },
    ordering: "webhook",
  });
});

test("an edit sends the whole breaker when it changed, null when back at the defaults, and ordering changes", () => {
  const stored = { ...emptyValues(), url: "https://example.com", checkedEvents: ["a"], breakerFailures: "5", breakerCooldown: "30s", breakerMaxCooldown: "1h", breakerDisableAfter: "3d" };
  expect(toPatchBody(stored, stored)).toEqual({});
  expect(toPatchBody(stored, { ...stored, breakerCooldown: "10s" })).toEqual({ breaker: { cooldown: "10s" } });
  expect(toPatchBody(stored, { ...stored, breakerEnabled: false })).toEqual({ breaker: { enabled: false } });
  const custom = { ...stored, breakerFailures: "3" };
  expect(toPatchBody(custom, stored)).toEqual({ breaker: null });
  expect(toPatchBody(stored, { ...stored, orderingMode: "webhook" })).toEqual({ ordering: "webhook" });
  expect(toPatchBody({ ...stored, orderingMode: "webhook" }, stored)).toEqual({ ordering: null });
});

test("server errors about the breaker land at its fields", () => {
  const values = { ...emptyValues(), checkedEvents: ["a"] };
  const error = new ApiError(422, "validation_failed", "Please correct…", [
    { field: "breaker.failures", message: "must be from 1 to 1000" },
    { field: "ordering", message: "must be null, \"webhook\" or \"json:<path>\"" },
  ]);
  const { errors, unplaced } = placeServerErrors(error, values, new Set(["breakerFailures", "orderingField"]));
  expect(errors.breakerFailures).toBe("Must be from 1 to 1000.");
  expect(errors.orderingField).toMatch(/^Must be null/);
  expect(unplaced).toBe(false);
});

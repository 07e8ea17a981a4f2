// The form's own checks mirror the API's URL rules, and the server's indexed field errors land
// at the field (and name the event) they are about.
import { ApiError } from "../../api/errors";
import { checkUrl, placeServerErrors, validate } from "./validation";
import { emptyValues, newHeaderRow, toPatchBody } from "./values";

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

test("clearing the timeout on edit sends the documented default; untouched fields are not sent", () => {
  const initial = { ...emptyValues(), url: "https://example.com", checkedEvents: ["a.b"], timeoutMs: "5000", maxInFlight: "4" };
  expect(toPatchBody(initial, { ...initial })).toEqual({});
  expect(toPatchBody(initial, { ...initial, timeoutMs: "" })).toEqual({ timeout_ms: 10000 });
});

// Problems from the API become sentences a person can act on.
import { ApiError } from "./errors";

test("field problems name each field and keep its message for the form", () => {
  const error = ApiError.fromResponse(422, {
    status: 422,
    code: "validation_failed",
    errors: [
      { field: "url", message: "must be an absolute http or https URL" },
      { field: "events", message: "must not be empty" },
    ],
  });
  expect(error.message).toBe(
    "Please correct: url must be an absolute http or https URL; events must not be empty.",
  );
  expect(error.fieldMessage("url")).toBe("must be an absolute http or https URL");
  expect(error.fieldMessage("description")).toBeUndefined();
});

test("401, 404, 503 and 500 are explained without server jargon", () => {
  expect(ApiError.fromResponse(401, { code: "unauthorized" }).message).toMatch(/not accepted/);
  expect(ApiError.fromResponse(404, { code: "not_found" }).message).toMatch(/deleted, or this token cannot see it/);
  expect(ApiError.fromResponse(503, { code: "unavailable" }).message).toMatch(/database is not answering/);
  const internal = ApiError.fromResponse(500, { code: "internal", detail: "Something went wrong on our side." });
  expect(internal.message).toMatch(/internal error/);
});

test("a conflict keeps the server's own explanation", () => {
  const error = ApiError.fromResponse(409, {
    code: "webhook_disabled",
    detail: "The webhook is disabled; enable it to retry.",
  });
  expect(error.message).toBe("The webhook is disabled; enable it to retry.");
  expect(error.code).toBe("webhook_disabled");
});

test("an unreachable server says so", () => {
  expect(ApiError.unreachable(new TypeError("Failed to fetch")).message).toBe(
    "Cannot reach hookd: is the server running? (Failed to fetch)",
  );
});

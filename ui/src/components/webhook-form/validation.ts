// The webhook form's checks: the same rules the API applies where the browser can know them, so
// most mistakes are caught before a round trip; and the server's field errors placed at the
// fields they name.
import { ApiError } from "../../api/errors";
import {
  DEFAULT_BREAKER,
  DEFAULT_SIMPLE_HEADER,
  NEVER,
  eventsOf,
  scheduleItems,
  simpleHeaderOf,
  splitList,
  type FormMode,
  type WebhookFormValues,
} from "./values";

/**
 * Messages by form field: the keys of {@link WebhookFormValues}, `events` for the fieldset, and
 * `header:<row id>` for one custom header row.
 */
export type FieldErrors = Record<string, string>;

export const MAX_URL_LENGTH = 2048;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 120_000;
export const MAX_IN_FLIGHT = 1000;
export const MAX_RATE_LIMIT = 10_000;

const EVENT_PATTERN = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers hookd sets on every delivery, and those HTTP owns: not a custom header's. */
export const RESERVED_HEADERS = new Set([
  "content-type", "user-agent", "host", "content-length", "transfer-encoding", "connection",
  "keep-alive", "upgrade", "te", "trailer", "proxy-connection", "webhook-id", "webhook-timestamp",
  "webhook-signature", "x-webhook-event", "x-webhook-id", "x-webhook-delivery", "x-webhook-attempt",
  "x-webhook-timestamp", "x-webhook-signature",
]);

export const MAX_SIMPLE_HEADER_LENGTH = 64;
export const MAX_SIMPLE_PREFIX_LENGTH = 32;

/** Why `text` can't name the simple signature header (the server's rules), or undefined. */
export function checkSimpleHeader(text: string): string | undefined {
  const name = text.trim();
  if (name === "") return undefined;
  if (!HEADER_NAME.test(name) || name.length > MAX_SIMPLE_HEADER_LENGTH) {
    return `A header name has letters, digits and - only (no spaces or colons), at most ${MAX_SIMPLE_HEADER_LENGTH} characters.`;
  }
  if (name.toLowerCase() !== DEFAULT_SIMPLE_HEADER && RESERVED_HEADERS.has(name.toLowerCase())) {
    return `${name} is set by hookd or by HTTP itself; choose another name.`;
  }
  return undefined;
}

/** Why `text` can't be the simple signature's prefix, or undefined. */
export function checkSimplePrefix(text: string): string | undefined {
  if (text.length > MAX_SIMPLE_PREFIX_LENGTH) {
    return `The prefix is ${text.length} characters long; it can be at most ${MAX_SIMPLE_PREFIX_LENGTH}.`;
  }
  if (!/^[\x21-\x7e]*$/.test(text)) return "Use visible ASCII characters only, without spaces.";
  return undefined;
}

/** Why the secret typed is not of the scheme's kind, or undefined (empty: one is generated). */
function checkSecret(values: WebhookFormValues): string | undefined {
  const secret = values.secret.trim();
  if (secret === "") return undefined;
  if (values.signatureScheme === "v1a") {
    return secret.startsWith("whsk_")
      ? undefined
      : "An Ed25519 (v1a) key starts with whsk_. Leave it empty to have one generated.";
  }
  return secret.startsWith("whsec_")
    ? undefined
    : "A secret starts with whsec_. Leave it empty to have one generated.";
}

export const MAX_RETRIES = 20;
/** One delay: a whole number and one unit. */
const DELAY = /^(\d+)([smhd])$/;
const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_DELAY_SECONDS = 7 * 86_400;

/** Why one delay of a retry schedule is refused, or undefined when it is fine. */
function checkDelay(item: string): string | undefined {
  const match = DELAY.exec(item);
  if (!match) {
    const parts = item.split(/\s+/);
    if (parts.length > 1 && parts.every((part) => DELAY.test(part))) {
      return `“${item}” holds more than one delay: separate them with commas (${parts.join(", ")}).`;
    }
    return `“${item}” is not a delay: write a whole number and one unit, s, m, h or d (such as 30s, 5m or 1h).`;
  }
  const seconds = Number(match[1]) * SECONDS_PER_UNIT[match[2]];
  if (seconds < 1 || seconds > MAX_DELAY_SECONDS) return `“${item}” is outside 1s to 7d.`;
  return undefined;
}

/** A duration as the breaker's fields take it, in seconds; undefined when it is not one. */
function durationSeconds(text: string): number | undefined {
  const match = DELAY.exec(text.trim());
  return match ? Number(match[1]) * SECONDS_PER_UNIT[match[2]] : undefined;
}

/** Why a breaker duration is refused (empty is fine: the default), or undefined. */
function checkBreakerDuration(text: string, minSeconds: number, maxSeconds: number, range: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const seconds = durationSeconds(trimmed);
  if (seconds === undefined) return `“${trimmed}” is not a duration: write a whole number and one unit, s, m, h or d (such as 30s or 1h).`;
  if (seconds < minSeconds || seconds > maxSeconds) return `“${trimmed}” is outside ${range}.`;
  return undefined;
}

/** Why the breaker's fields are refused, by field (the server's rules). */
function checkBreaker(values: WebhookFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.breakerEnabled) return errors;
  const failures = values.breakerFailures.trim();
  if (failures !== "" && (!/^\d+$/.test(failures) || Number(failures) < 1 || Number(failures) > 1000)) {
    errors.breakerFailures = "Enter a number of attempts from 1 to 1000, or leave it empty.";
  }
  const cooldown = checkBreakerDuration(values.breakerCooldown, 1, 86_400, "1s to 1d");
  if (cooldown) errors.breakerCooldown = cooldown;
  const maxCooldown = checkBreakerDuration(values.breakerMaxCooldown, 1, 7 * 86_400, "1s to 7d");
  if (maxCooldown) errors.breakerMaxCooldown = maxCooldown;
  if (!cooldown && !maxCooldown) {
    const first = durationSeconds(values.breakerCooldown.trim() || DEFAULT_BREAKER.cooldown) ?? 0;
    const longest = durationSeconds(values.breakerMaxCooldown.trim() || DEFAULT_BREAKER.maxCooldown) ?? 0;
    if (longest < first) errors.breakerMaxCooldown = "The longest wait can't be shorter than the first probe's.";
  }
  const disableAfter = values.breakerDisableAfter.trim().toLowerCase();
  if (disableAfter !== NEVER) {
    const problem = checkBreakerDuration(disableAfter, 1, 365 * 86_400, "1s to 365d");
    if (problem) errors.breakerDisableAfter = `${problem} Or write never.`;
  }
  return errors;
}

/** A field's path in the event for ordering: data, then names joined by dots. */
const ORDERING_FIELD = /^data(\.[^.\s]+)+$/;

/** Why `text` is not a retry schedule the API would take (the server's rules), or undefined. */
export function checkRetrySchedule(text: string): string | undefined {
  const items = scheduleItems(text);
  if (items.length > MAX_RETRIES) return `That is ${items.length} delays; a schedule holds at most ${MAX_RETRIES}.`;
  for (const item of items) {
    const problem = checkDelay(item);
    if (problem) return problem;
  }
  return undefined;
}

/** Why `text` is not a webhook URL the API would take, or undefined when it is. */
export function checkUrl(text: string): string | undefined {
  const url = text.trim();
  if (url === "") return "Enter the URL that should receive the webhooks.";
  if (url.length > MAX_URL_LENGTH) {
    return `The URL is ${url.length} characters long; it can be at most ${MAX_URL_LENGTH}.`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "Enter an absolute URL that starts with http:// or https://.";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return "The URL must start with http:// or https://.";
  }
  if (parsed.username || parsed.password) {
    return "Leave out user:password@ from the URL; send credentials in a custom header instead.";
  }
  return undefined;
}

function checkWholeNumber(text: string, min: number, max: number, what: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max) {
    return `Enter ${what} from ${min} to ${max}, or leave it empty.`;
  }
  return undefined;
}

/** Every problem the browser can see, by field; empty when the form may be sent. */
export function validate(values: WebhookFormValues, mode: FormMode): FieldErrors {
  const errors: FieldErrors = {};
  const set = (field: string, message: string | undefined) => {
    if (message) errors[field] = message;
  };

  set("url", checkUrl(values.url));

  if (eventsOf(values).length === 0) errors.events = "Choose at least one event.";
  if (!values.allEvents) {
    const bad = splitList(values.otherEvents).filter((name) => !EVENT_PATTERN.test(name));
    if (bad.length > 0) {
      errors.otherEvents =
        `${bad.map((name) => `“${name}”`).join(", ")} ${bad.length === 1 ? "is not an event name" : "are not event names"}: ` +
        "use letters, digits, _ or - joined by dots, optionally ending in .* (or * alone).";
    }
  }

  set("retrySchedule", checkRetrySchedule(values.retrySchedule));
  set("timeoutMs", checkWholeNumber(values.timeoutMs, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, "a number of milliseconds"));
  set("maxInFlight", checkWholeNumber(values.maxInFlight, 1, MAX_IN_FLIGHT, "a number of requests"));
  set("rateLimit", checkWholeNumber(values.rateLimit, 1, MAX_RATE_LIMIT, "a number of deliveries per second"));

  Object.assign(errors, checkBreaker(values));
  if (values.orderingMode === "field" && !ORDERING_FIELD.test(values.orderingField.trim())) {
    errors.orderingField = "Enter the field's path in the event, starting with data, such as data.order_id.";
  }

  if (mode === "create") set("secret", checkSecret(values));
  if (values.signatureScheme === "v1") {
    set("simpleHeader", checkSimpleHeader(values.simpleHeader));
    set("simplePrefix", checkSimplePrefix(values.simplePrefix));
  }
  const simpleHeader = simpleHeaderOf(values);

  const seen = new Set<string>();
  for (const row of values.headers) {
    const name = row.name.trim();
    const key = `header:${row.id}`;
    if (name === "") {
      if (row.value !== "") errors[key] = "Give this header a name, or remove the row.";
    } else if (!HEADER_NAME.test(name)) {
      errors[key] = "A header name has letters, digits and - only (no spaces or colons).";
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      errors[key] = `${name} is set by hookd and cannot be a custom header.`;
    } else if (seen.has(name.toLowerCase())) {
      errors[key] = `The header ${name} is already set above.`;
    } else if (name.toLowerCase() === simpleHeader) {
      errors[key] = `${name} carries this webhook's simple signature (Simple signature header); choose another name.`;
    }
    seen.add(name.toLowerCase());
  }
  return errors;
}

/** The server writes "must use http or https"; at a field that reads better as a sentence. */
function sentence(message: string): string {
  const text = message.trim();
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The API's field names that the form shows, by the form field that shows them. */
const API_FIELDS: Record<string, string> = {
  url: "url",
  description: "description",
  tenant: "tenant",
  timeout_ms: "timeoutMs",
  max_in_flight: "maxInFlight",
  rate_limit: "rateLimit",
  filter: "filter",
  secret: "secret",
  retry_schedule: "retrySchedule",
  events: "events",
  "signature.scheme": "signatureScheme",
  "signature.simple_header": "simpleHeader",
  "signature.simple_prefix": "simplePrefix",
  breaker: "breakerEnabled",
  "breaker.enabled": "breakerEnabled",
  "breaker.failures": "breakerFailures",
  "breaker.cooldown": "breakerCooldown",
  "breaker.max_cooldown": "breakerMaxCooldown",
  "breaker.disable_after": "breakerDisableAfter",
  ordering: "orderingField",
};

/**
 * Fields whose server messages read as the rest of a sentence about them ("resolves to 10.0.0.1,
 * which is a private address…"), so they get their subject back.
 */
const SUBJECTS: Record<string, string> = { url: "The URL" };

/**
 * Places a 422's field errors at the fields of the form: `events[2]` at the Events fieldset
 * (naming the event), `headers.X-Key` at that header's row. What matches no visible field is
 * returned in `unplaced`, for a notice above the form.
 */
export function placeServerErrors(
  error: unknown,
  values: WebhookFormValues,
  visibleFields: Set<string>,
): { errors: FieldErrors; unplaced: boolean } {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError) || error.fields.length === 0) return { errors, unplaced: Boolean(error) };
  let unplaced = false;
  const add = (field: string, message: string) => {
    errors[field] = errors[field] ? `${errors[field]} ${message}` : message;
  };
  const sentEvents = eventsOf(values);
  for (const problem of error.fields) {
    const [, base, index] = /^([a-z_]+)(?:\[(\d+)\])?/.exec(problem.field) ?? [];
    if (base === "headers") {
      const name = problem.field.slice("headers.".length).toLowerCase();
      const row = values.headers.find((r) => r.name.trim().toLowerCase() === name);
      if (row) add(`header:${row.id}`, sentence(problem.message));
      else unplaced = true;
      continue;
    }
    const field = API_FIELDS[problem.field] ?? API_FIELDS[base ?? ""];
    if (!field || !visibleFields.has(field)) {
      unplaced = true;
      continue;
    }
    const subject = base === "events" && index !== undefined ? sentEvents[Number(index)] : undefined;
    const about = SUBJECTS[base ?? ""];
    add(
      field,
      subject
        ? `“${subject}”: ${problem.message}.`.replace(/\.\.$/, ".")
        : about && /^[a-z]/.test(problem.message)
          ? sentence(`${about} ${problem.message}`)
          : sentence(problem.message),
    );
  }
  return { errors, unplaced };
}

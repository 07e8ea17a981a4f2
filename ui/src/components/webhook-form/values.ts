// The webhook form's values as typed, and the conversions between them and the API's bodies:
// `WebhookOut` → values (to edit), values → `WebhookIn` (create) or `WebhookPatch` (changes only).
import type { Schemas } from "../../api/client";

/** One custom header row; `id` only keeps React's keys stable while rows come and go. */
export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

/** A Standard Webhooks signature scheme: HMAC-SHA256 (v1) or Ed25519 (v1a). */
export type SignatureScheme = Schemas["SignatureScheme"];

/** The simple signature header's name when a webhook names none. */
export const DEFAULT_SIMPLE_HEADER = "x-webhook-signature";

/** Everything the form holds, as strings where the person types, so nothing is lost mid-edit. */
export interface WebhookFormValues {
  url: string;
  /** Ticked event types from the catalog. */
  checkedEvents: string[];
  /** "All events (*)": covers every event, so the other choices are not sent. */
  allEvents: boolean;
  /** Comma-separated names or patterns that are not (or not only) in the catalog. */
  otherEvents: string;
  description: string;
  /** Create only, and only the admin chooses; tenant tokens get their own tenant. */
  tenant: string;
  timeoutMs: string;
  retrySchedule: string;
  maxInFlight: string;
  rateLimit: string;
  filter: string;
  /** Create only; empty lets the server generate one (of the scheme's kind). */
  secret: string;
  signatureScheme: SignatureScheme;
  /** Empty: the default name, x-webhook-signature. */
  simpleHeader: string;
  simplePrefix: string;
  headers: HeaderRow[];
  /** The circuit breaker: on unless turned off; empty fields take the server's defaults. */
  breakerEnabled: boolean;
  breakerFailures: string;
  breakerCooldown: string;
  breakerMaxCooldown: string;
  /** A duration, or "never". */
  breakerDisableAfter: string;
  /** No ordering, the whole webhook in order, or in order per value of a field of the event. */
  orderingMode: OrderingMode;
  /** The field's path in the event, such as data.order_id (with orderingMode "field"). */
  orderingField: string;
  /** Create only. */
  ping: boolean;
}

export type OrderingMode = "" | "webhook" | "field";

/** The breaker's defaults, as the server applies them to a webhook that sets none. */
export const DEFAULT_BREAKER = {
  failures: 5,
  cooldown: "30s",
  maxCooldown: "1h",
  disableAfter: "3d",
} as const;

/** What the disable-after field holds for a breaker that never disables. */
export const NEVER = "never";

export type FormMode = "create" | "edit";

/** The server's documented defaults, sent when an edit clears a field that cannot be null. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_IN_FLIGHT = 10;

let lastRowId = 0;
export function newHeaderRow(name = "", value = ""): HeaderRow {
  lastRowId += 1;
  return { id: lastRowId, name, value };
}

export function emptyValues(tenant = "default"): WebhookFormValues {
  return {
    url: "",
    checkedEvents: [],
    allEvents: false,
    otherEvents: "",
    description: "",
    tenant,
    timeoutMs: "",
    retrySchedule: "",
    maxInFlight: "",
    rateLimit: "",
    filter: "",
    secret: "",
    signatureScheme: "v1",
    simpleHeader: "",
    simplePrefix: "",
    headers: [],
    breakerEnabled: true,
    breakerFailures: "",
    breakerCooldown: "",
    breakerMaxCooldown: "",
    breakerDisableAfter: "",
    orderingMode: "",
    orderingField: "",
    ping: true,
  };
}

/** A pattern such as `order.*`, as opposed to one event's name. */
const isPattern = (event: string) => event.includes("*");

/**
 * A stored webhook as form values: subscribed names become ticks (the Events fieldset keeps a
 * checkbox for each, listed or not), patterns such as `order.*` free text.
 */
export function valuesFromWebhook(webhook: Schemas["WebhookOut"]): WebhookFormValues {
  const events = webhook.events.filter((e) => e !== "*");
  return {
    ...emptyValues(webhook.tenant),
    url: webhook.url,
    allEvents: webhook.events.includes("*"),
    checkedEvents: events.filter((e) => !isPattern(e)),
    otherEvents: events.filter(isPattern).join(", "),
    description: webhook.description,
    timeoutMs: String(webhook.timeout_ms),
    retrySchedule: (webhook.retry_schedule ?? []).join(", "),
    maxInFlight: String(webhook.max_in_flight),
    rateLimit: webhook.rate_limit == null ? "" : String(webhook.rate_limit),
    filter: webhook.filter ?? "",
    signatureScheme: webhook.signature.scheme,
    simpleHeader: webhook.signature.simple_header,
    simplePrefix: webhook.signature.simple_prefix,
    headers: Object.entries(webhook.headers).map(([name, value]) => newHeaderRow(name, value)),
    breakerEnabled: webhook.breaker.enabled,
    breakerFailures: String(webhook.breaker.failures),
    breakerCooldown: webhook.breaker.cooldown,
    breakerMaxCooldown: webhook.breaker.max_cooldown,
    breakerDisableAfter: webhook.breaker.disable_after ?? NEVER,
    ...orderingValues(webhook.ordering),
  };
}

/** A stored `ordering` as the form's two fields. */
function orderingValues(ordering: string | null | undefined): Pick<WebhookFormValues, "orderingMode" | "orderingField"> {
  if (!ordering) return { orderingMode: "", orderingField: "" };
  if (ordering === "webhook") return { orderingMode: "webhook", orderingField: "" };
  return { orderingMode: "field", orderingField: ordering.replace(/^json:/, "") };
}

/** The `ordering` the API takes: null, "webhook" or "json:<path>". */
export function orderingOf(values: WebhookFormValues): string | null {
  if (values.orderingMode === "webhook") return "webhook";
  if (values.orderingMode === "field") return `json:${values.orderingField.trim()}`;
  return null;
}

type BreakerIn = NonNullable<Schemas["WebhookIn"]["breaker"]>;

/**
 * The `breaker` the API takes, or undefined when every field is at the server's default (so the
 * server's defaults keep applying). Empty fields are left out and take their defaults.
 */
export function breakerOf(values: WebhookFormValues): BreakerIn | undefined {
  const breaker: BreakerIn = {};
  if (!values.breakerEnabled) breaker.enabled = false;
  const failures = wholeNumber(values.breakerFailures);
  if (failures !== undefined && failures !== DEFAULT_BREAKER.failures) breaker.failures = failures;
  const cooldown = values.breakerCooldown.trim();
  if (cooldown && cooldown !== DEFAULT_BREAKER.cooldown) breaker.cooldown = cooldown;
  const maxCooldown = values.breakerMaxCooldown.trim();
  if (maxCooldown && maxCooldown !== DEFAULT_BREAKER.maxCooldown) breaker.max_cooldown = maxCooldown;
  const disableAfter = values.breakerDisableAfter.trim().toLowerCase();
  if (disableAfter === NEVER) breaker.disable_after = null;
  else if (disableAfter && disableAfter !== DEFAULT_BREAKER.disableAfter) breaker.disable_after = disableAfter;
  return Object.keys(breaker).length > 0 ? breaker : undefined;
}

/** Two breakers the same, each as `breakerOf` makes it (undefined: all defaults). */
function sameBreaker(a: BreakerIn | undefined, b: BreakerIn | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** Splits "a, b c" into ["a", "b", "c"]: commas and spaces both separate. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * The delays of a retry schedule as typed, "1m, 5m, 15m": only commas separate, as in
 * HOOKD_RETRY_SCHEDULE, so that "1m 5m" reaches the check as one item (and is refused there)
 * instead of being read as something the person may not have meant.
 */
export function scheduleItems(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The subscription as the API takes it: `*` alone, or the ticks then the typed names, once each. */
export function eventsOf(values: WebhookFormValues): string[] {
  if (values.allEvents) return ["*"];
  return [...new Set([...values.checkedEvents, ...splitList(values.otherEvents)])];
}

/** A whole number, or undefined for an empty field (validation has refused anything else). */
export function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}

/** The simple header's name as it will be sent: lower case, the default when left empty. */
export function simpleHeaderOf(values: WebhookFormValues): string {
  return values.simpleHeader.trim().toLowerCase() || DEFAULT_SIMPLE_HEADER;
}

export function headersOf(values: WebhookFormValues): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of values.headers) {
    if (row.name.trim() !== "") headers[row.name.trim()] = row.value;
  }
  return headers;
}

/** The body of `POST /api/webhooks`: only what was set, so the server's defaults apply. */
export function toCreateBody(
  values: WebhookFormValues,
  { chooseTenant }: { chooseTenant: boolean },
): Schemas["WebhookIn"] {
  const body: Schemas["WebhookIn"] = { url: values.url.trim(), events: eventsOf(values) };
  const description = values.description.trim();
  if (description) body.description = description;
  if (chooseTenant && values.tenant.trim()) body.tenant = values.tenant.trim();
  const timeout = wholeNumber(values.timeoutMs);
  if (timeout !== undefined) body.timeout_ms = timeout;
  const schedule = scheduleItems(values.retrySchedule);
  if (schedule.length > 0) body.retry_schedule = schedule;
  const maxInFlight = wholeNumber(values.maxInFlight);
  if (maxInFlight !== undefined) body.max_in_flight = maxInFlight;
  const rateLimit = wholeNumber(values.rateLimit);
  if (rateLimit !== undefined) body.rate_limit = rateLimit;
  if (values.filter.trim()) body.filter = values.filter.trim();
  if (values.secret.trim()) body.secret = values.secret.trim();
  const signature: NonNullable<Schemas["WebhookIn"]["signature"]> = {};
  if (values.signatureScheme !== "v1") signature.scheme = values.signatureScheme;
  // The simple header's fields are shown (and sent) for v1 only: v1a sends no simple header.
  if (values.signatureScheme === "v1" && values.simpleHeader.trim()) signature.simple_header = values.simpleHeader.trim();
  if (values.signatureScheme === "v1" && values.simplePrefix) signature.simple_prefix = values.simplePrefix;
  if (Object.keys(signature).length > 0) body.signature = signature;
  const headers = headersOf(values);
  if (Object.keys(headers).length > 0) body.headers = headers;
  const breaker = breakerOf(values);
  if (breaker) body.breaker = breaker;
  const ordering = orderingOf(values);
  if (ordering) body.ordering = ordering;
  body.ping = values.ping;
  return body;
}

function sameList(a: string[], b: string[]): boolean {
  const [x, y] = [[...a].sort(), [...b].sort()];
  return x.length === y.length && x.every((item, i) => item === y[i]);
}

const sameHeaders = (a: Record<string, string>, b: Record<string, string>) =>
  sameList(Object.keys(a), Object.keys(b)) && Object.keys(a).every((k) => a[k] === b[k]);

/**
 * The body of `PATCH /api/webhooks/{id}`: the fields that differ from `initial`. Clearing the
 * rate limit, filter or retry schedule sends `null` (the server's default); clearing the timeout
 * or the concurrency sends the documented default, since those cannot be null, and so does
 * clearing the simple header's name. A new scheme makes the server answer with a new secret.
 */
export function toPatchBody(
  initial: WebhookFormValues,
  values: WebhookFormValues,
): Schemas["WebhookPatch"] {
  const patch: Schemas["WebhookPatch"] = {};
  if (values.url.trim() !== initial.url.trim()) patch.url = values.url.trim();
  const events = eventsOf(values);
  if (!sameList(events, eventsOf(initial))) patch.events = events;
  if (values.description.trim() !== initial.description.trim()) patch.description = values.description.trim();
  const timeout = wholeNumber(values.timeoutMs) ?? DEFAULT_TIMEOUT_MS;
  if (timeout !== (wholeNumber(initial.timeoutMs) ?? DEFAULT_TIMEOUT_MS)) patch.timeout_ms = timeout;
  const maxInFlight = wholeNumber(values.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT;
  if (maxInFlight !== (wholeNumber(initial.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT)) {
    patch.max_in_flight = maxInFlight;
  }
  const rateLimit = wholeNumber(values.rateLimit) ?? null;
  if (rateLimit !== (wholeNumber(initial.rateLimit) ?? null)) patch.rate_limit = rateLimit;
  const filter = values.filter.trim() || null;
  if (filter !== (initial.filter.trim() || null)) patch.filter = filter;
  const schedule = scheduleItems(values.retrySchedule);
  const initialSchedule = scheduleItems(initial.retrySchedule);
  if (schedule.join(",") !== initialSchedule.join(",")) {
    patch.retry_schedule = schedule.length > 0 ? schedule : null;
  }
  const headers = headersOf(values);
  if (!sameHeaders(headers, headersOf(initial))) patch.headers = headers;
  const signature: NonNullable<Schemas["WebhookPatch"]["signature"]> = {};
  if (values.signatureScheme !== initial.signatureScheme) signature.scheme = values.signatureScheme;
  if (values.signatureScheme === "v1") {
    if (simpleHeaderOf(values) !== simpleHeaderOf(initial)) signature.simple_header = simpleHeaderOf(values);
    if (values.simplePrefix !== initial.simplePrefix) signature.simple_prefix = values.simplePrefix;
  }
  if (Object.keys(signature).length > 0) patch.signature = signature;
  // The whole breaker is sent when any of it changed (what is left out takes the defaults);
  // null when it is back at the defaults.
  const breaker = breakerOf(values);
  if (!sameBreaker(breaker, breakerOf(initial))) patch.breaker = breaker ?? null;
  const ordering = orderingOf(values);
  if (ordering !== orderingOf(initial)) patch.ordering = ordering;
  return patch;
}

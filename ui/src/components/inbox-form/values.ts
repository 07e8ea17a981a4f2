// The inbox form's values as a person types them, and the API bodies made from them.
import type { Schemas } from "../../api/client";
import { SCHEMES, type SchemeName } from "./schemes";

export type InboxValues = {
  name: string;
  description: string;
  tenant: string;
  scheme: SchemeName;
  secret: string;
  header: string;
  algorithm: "sha256" | "sha1" | "sha512";
  encoding: "hex" | "base64";
  prefix: string;
  tolerance: string;
  allowedIps: string;
  rateLimit: string;
  eventType: string;
  responseStatus: string;
  responseContentType: string;
  responseBody: string;
  active: boolean;
};

export function emptyInboxValues(tenant: string): InboxValues {
  return {
    name: "",
    description: "",
    tenant,
    scheme: "github",
    secret: "",
    header: "",
    algorithm: "sha256",
    encoding: "hex",
    prefix: "",
    tolerance: "",
    allowedIps: "",
    rateLimit: "",
    eventType: "",
    responseStatus: "",
    responseContentType: "",
    responseBody: "",
    active: true,
  };
}

/** An inbox as the form shows it for editing (no secret: the API never shows it again). */
export function valuesOf(inbox: Schemas["InboxOut"]): InboxValues {
  return {
    name: inbox.name,
    description: inbox.description,
    tenant: inbox.tenant,
    scheme: inbox.verify.scheme,
    secret: "",
    header: inbox.verify.header ?? "",
    algorithm: inbox.verify.algorithm ?? "sha256",
    encoding: inbox.verify.encoding ?? "hex",
    prefix: inbox.verify.prefix ?? "",
    tolerance: inbox.verify.tolerance ?? "",
    allowedIps: inbox.allowed_ips.join("\n"),
    rateLimit: inbox.rate_limit ? String(inbox.rate_limit) : "",
    eventType: inbox.event_type,
    responseStatus: inbox.response.status ? String(inbox.response.status) : "",
    responseContentType: inbox.response.content_type ?? "",
    responseBody: inbox.response.body ?? "",
    active: inbox.active,
  };
}

/** Addresses typed one per line or separated by commas. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function verifyOf(v: InboxValues): Schemas["VerifyDoc"] {
  const info = SCHEMES[v.scheme];
  const verify: Schemas["VerifyDoc"] = { scheme: v.scheme };
  if (info.secret !== "none" && v.secret) verify.secret = v.secret;
  if (info.header && v.header.trim()) verify.header = v.header.trim();
  if (info.hmac) {
    verify.algorithm = v.algorithm;
    verify.encoding = v.encoding;
    verify.prefix = v.prefix;
  }
  if (info.timestamp && v.tolerance.trim()) verify.tolerance = v.tolerance.trim();
  return verify;
}

function responseOf(v: InboxValues): Schemas["ResponseDoc"] | null {
  const response: Schemas["ResponseDoc"] = {};
  if (v.responseStatus.trim()) response.status = Number(v.responseStatus);
  if (v.responseContentType.trim()) response.content_type = v.responseContentType.trim();
  if (v.responseBody) response.body = v.responseBody;
  return Object.keys(response).length > 0 ? response : null;
}

export function toCreateBody(v: InboxValues, { chooseTenant }: { chooseTenant: boolean }): Schemas["InboxIn"] {
  const body: Schemas["InboxIn"] = {
    name: v.name.trim(),
    description: v.description,
    verify: verifyOf(v),
    allowed_ips: splitList(v.allowedIps),
    rate_limit: v.rateLimit.trim() ? Number(v.rateLimit) : null,
    active: v.active,
  };
  if (chooseTenant && v.tenant.trim()) body.tenant = v.tenant.trim();
  if (v.eventType.trim()) body.event_type = v.eventType.trim();
  const response = responseOf(v);
  if (response) body.response = response;
  return body;
}

/**
 * Every field, so that what the form shows is what the inbox gets; a field left empty goes back
 * to its default (`null`). The secret is sent only when one was typed.
 */
export function toPatchBody(v: InboxValues): Schemas["InboxPatch"] {
  return {
    name: v.name.trim(),
    description: v.description,
    verify: { ...verifyOf(v), tolerance: verifyOf(v).tolerance ?? null },
    allowed_ips: splitList(v.allowedIps),
    rate_limit: v.rateLimit.trim() ? Number(v.rateLimit) : null,
    event_type: v.eventType.trim() || null,
    response: {
      status: v.responseStatus.trim() ? Number(v.responseStatus) : null,
      content_type: v.responseContentType.trim() || null,
      body: v.responseBody || null,
    },
    active: v.active,
  };
}

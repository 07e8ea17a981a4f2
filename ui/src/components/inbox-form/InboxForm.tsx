// The form shared by "New inbox" and "Edit inbox": a scheme picker that shows only the fields
// that scheme needs, allowed IPs, a rate limit, the event type template and the custom
// response. The server's field errors are placed at their fields.
import { useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { SCHEMES, SCHEME_NAMES, type SchemeName } from "./schemes";
import type { InboxValues } from "./values";

/** The form field that shows an API field's error (`allowed_ips[2]` → `allowedIps`). */
const FIELD_OF: [RegExp, keyof InboxValues][] = [
  [/^name$/, "name"],
  [/^description$/, "description"],
  [/^tenant$/, "tenant"],
  [/^verify\.scheme$/, "scheme"],
  [/^verify\.secret$/, "secret"],
  [/^verify\.header$/, "header"],
  [/^verify\.prefix$/, "prefix"],
  [/^verify\.tolerance$/, "tolerance"],
  [/^allowed_ips/, "allowedIps"],
  [/^rate_limit$/, "rateLimit"],
  [/^event_type$/, "eventType"],
  [/^response\.status$/, "responseStatus"],
  [/^response\.content_type$/, "responseContentType"],
  [/^response\.body$/, "responseBody"],
];

function placeErrors(error: unknown): { errors: Partial<Record<keyof InboxValues, string>>; unplaced: boolean } {
  if (!(error instanceof ApiError) || error.fields.length === 0) return { errors: {}, unplaced: Boolean(error) };
  const errors: Partial<Record<keyof InboxValues, string>> = {};
  let unplaced = false;
  for (const f of error.fields) {
    const key = FIELD_OF.find(([pattern]) => pattern.test(f.field))?.[1];
    if (key) errors[key] = errors[key] ? `${errors[key]}; ${f.message}` : f.message;
    else unplaced = true;
  }
  return { errors, unplaced };
}

export function InboxForm({
  mode,
  initial,
  chooseTenant,
  busy,
  error,
  submitLabel,
  onSubmit,
  secondaryAction,
}: {
  mode: "create" | "edit";
  initial: InboxValues;
  chooseTenant: boolean;
  busy: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (values: InboxValues) => void;
  secondaryAction?: ReactNode;
}) {
  const [v, setValues] = useState(initial);
  const change = (update: Partial<InboxValues>) => setValues((current) => ({ ...current, ...update }));
  const { errors, unplaced } = placeErrors(error);
  const info = SCHEMES[v.scheme];
  const missingSecret = mode === "create" && info.secret === "required" && !v.secret.trim();

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit(v);
  }

  return (
    <form onSubmit={submit} aria-label={mode === "create" ? "New inbox" : "Edit inbox"} noValidate>
      <div className="grid grid-2">
        <Field label="Name" error={errors.name}>
          <input type="text" value={v.name} required onChange={(e) => change({ name: e.target.value })} />
        </Field>
        {chooseTenant && mode === "create" && (
          <Field label="Tenant" hint="Whose events its requests become" error={errors.tenant}>
            <input type="text" value={v.tenant} onChange={(e) => change({ tenant: e.target.value })} />
          </Field>
        )}
      </div>
      <Field label="Description" error={errors.description}>
        <input type="text" value={v.description} onChange={(e) => change({ description: e.target.value })} />
      </Field>

      <fieldset className="scheme-fields">
        <legend>Verification</legend>
        <Field label="Scheme" hint="How each request's signature is checked" error={errors.scheme}>
          <select value={v.scheme} onChange={(e) => change({ scheme: e.target.value as SchemeName })}>
            {SCHEME_NAMES.map((name) => (
              <option key={name} value={name}>
                {SCHEMES[name].label}
              </option>
            ))}
          </select>
        </Field>
        {info.secret !== "none" && (
          <Field
            label={info.secret === "required" ? "Secret" : "Secret (optional)"}
            hint={
              mode === "edit"
                ? "Leave empty to keep the current secret; a new one replaces it."
                : info.secretHint ?? "Leave empty to generate one."
            }
            error={errors.secret}
          >
            <input
              type="text"
              value={v.secret}
              autoComplete="off"
              spellCheck={false}
              className="mono"
              onChange={(e) => change({ secret: e.target.value })}
            />
          </Field>
        )}
        {info.header && (
          <Field
            label={info.header === "required" ? "Signature header" : "Token header (optional)"}
            hint={info.header === "required" ? "e.g. X-Signature" : "Default X-Webhook-Token"}
            error={errors.header}
          >
            <input type="text" value={v.header} spellCheck={false} onChange={(e) => change({ header: e.target.value })} />
          </Field>
        )}
        {info.hmac && (
          <div className="grid grid-2">
            <Field label="Algorithm">
              <select value={v.algorithm} onChange={(e) => change({ algorithm: e.target.value as InboxValues["algorithm"] })}>
                <option value="sha256">SHA-256</option>
                <option value="sha1">SHA-1</option>
                <option value="sha512">SHA-512</option>
              </select>
            </Field>
            <Field label="Encoding">
              <select value={v.encoding} onChange={(e) => change({ encoding: e.target.value as InboxValues["encoding"] })}>
                <option value="hex">hex</option>
                <option value="base64">base64</option>
              </select>
            </Field>
            <Field label="Prefix (optional)" hint="What stands before the signature, e.g. sha256=" error={errors.prefix}>
              <input type="text" value={v.prefix} spellCheck={false} onChange={(e) => change({ prefix: e.target.value })} />
            </Field>
          </div>
        )}
        {info.timestamp && (
          <Field label="Tolerance (optional)" hint="How far the signed time may be from hookd's clock; default 5m" error={errors.tolerance}>
            <input type="text" value={v.tolerance} placeholder="5m" onChange={(e) => change({ tolerance: e.target.value })} />
          </Field>
        )}
      </fieldset>

      <div className="grid grid-2">
        <Field label="Allowed IPs (optional)" hint="Addresses or CIDR ranges, one per line; empty: any source" error={errors.allowedIps}>
          <textarea rows={3} value={v.allowedIps} spellCheck={false} className="mono" onChange={(e) => change({ allowedIps: e.target.value })} />
        </Field>
        <Field label="Rate limit (optional)" hint="Requests per second at most; then 429" error={errors.rateLimit}>
          <input type="number" min={1} value={v.rateLimit} onChange={(e) => change({ rateLimit: e.target.value })} />
        </Field>
      </div>
      <Field
        label="Event type template (optional)"
        hint="The type of each event, with {json:path} and {header:Name}, e.g. stripe.{json:type}; empty: the scheme's default"
        error={errors.eventType}
      >
        <input type="text" value={v.eventType} spellCheck={false} className="mono" onChange={(e) => change({ eventType: e.target.value })} />
      </Field>
      <fieldset className="scheme-fields">
        <legend>Custom response</legend>
        <div className="grid grid-2">
          <Field label="Response status (optional)" hint="200 to 299; default 200" error={errors.responseStatus}>
            <input type="number" min={200} max={299} value={v.responseStatus} onChange={(e) => change({ responseStatus: e.target.value })} />
          </Field>
          <Field label="Response content type (optional)" error={errors.responseContentType}>
            <input type="text" value={v.responseContentType} onChange={(e) => change({ responseContentType: e.target.value })} />
          </Field>
        </div>
        <Field label="Response body (optional)" hint='Default: {"id": "req_..."}' error={errors.responseBody}>
          <textarea rows={2} value={v.responseBody} className="mono" onChange={(e) => change({ responseBody: e.target.value })} />
        </Field>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={v.active} onChange={(e) => change({ active: e.target.checked })} />
        Active (an inactive inbox answers 404 and keeps its history)
      </label>
      {unplaced && <ErrorNotice error={error} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || missingSecret || !v.name.trim()}>
          {busy ? "Saving…" : submitLabel}
        </button>
        {secondaryAction}
      </div>
    </form>
  );
}

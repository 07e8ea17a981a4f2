// The settings most webhooks leave at their defaults, folded away under "Advanced options".
import { Field } from "../Field";
import { DELIVERY_CONTROL_FIELDS, DeliveryControls } from "./DeliveryControls";
import { HeadersEditor } from "./HeadersEditor";
import { SignatureOptions } from "./SignatureOptions";
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_TIMEOUT_MS,
  type FormMode,
  type SignatureScheme,
  type WebhookFormValues,
} from "./values";
import type { FieldErrors } from "./validation";

/** The form fields this section holds; it opens by itself when one of them has an error. */
export const ADVANCED_FIELDS = [
  "timeoutMs",
  "retrySchedule",
  "maxInFlight",
  "rateLimit",
  "filter",
  "secret",
  "signatureScheme",
  "simpleHeader",
  "simplePrefix",
  ...DELIVERY_CONTROL_FIELDS,
];

export function AdvancedOptions({
  mode,
  initialScheme,
  values,
  errors,
  open,
  onToggle,
  onChange,
}: {
  mode: FormMode;
  initialScheme: SignatureScheme;
  values: WebhookFormValues;
  errors: FieldErrors;
  open: boolean;
  onToggle: (open: boolean) => void;
  onChange: (change: Partial<WebhookFormValues>) => void;
}) {
  return (
    <details
      className="advanced-options"
      open={open}
      onToggle={(e) => onToggle((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>Advanced options</summary>
      <div className="advanced-grid">
        <Field
          label="Timeout (ms)"
          hint={`How long each attempt waits for an answer. Empty: ${DEFAULT_TIMEOUT_MS}.`}
          error={errors.timeoutMs}
        >
          <input
            type="text"
            inputMode="numeric"
            value={values.timeoutMs}
            placeholder={String(DEFAULT_TIMEOUT_MS)}
            onChange={(e) => onChange({ timeoutMs: e.target.value })}
          />
        </Field>
        <Field
          label="Retry schedule"
          hint="Delays before each retry, comma-separated: a whole number and one unit, s, m, h or d (30s, 5m, 1h, 1d), from 1s to 7d, at most 20. Empty: the server's default."
          error={errors.retrySchedule}
        >
          <input
            type="text"
            value={values.retrySchedule}
            placeholder="1m, 5m, 15m"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => onChange({ retrySchedule: e.target.value })}
          />
        </Field>
        <Field
          label="Max in flight"
          hint={`Requests to this URL at the same time, at most. Empty: ${DEFAULT_MAX_IN_FLIGHT}.`}
          error={errors.maxInFlight}
        >
          <input
            type="text"
            inputMode="numeric"
            value={values.maxInFlight}
            placeholder={String(DEFAULT_MAX_IN_FLIGHT)}
            onChange={(e) => onChange({ maxInFlight: e.target.value })}
          />
        </Field>
        <Field label="Rate limit (per second)" hint="Deliveries per second, at most. Empty: no limit." error={errors.rateLimit}>
          <input
            type="text"
            inputMode="numeric"
            value={values.rateLimit}
            onChange={(e) => onChange({ rateLimit: e.target.value })}
          />
        </Field>
      </div>
      <Field
        label="Filter"
        hint="Only events for which this expression is true are delivered, such as data.amount > 100. Empty: every event."
        error={errors.filter}
      >
        <input
          type="text"
          className="mono"
          value={values.filter}
          placeholder="data.amount > 100"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange({ filter: e.target.value })}
        />
      </Field>
      <DeliveryControls values={values} errors={errors} onChange={onChange} />
      <SignatureOptions
        mode={mode}
        initialScheme={initialScheme}
        values={values}
        errors={errors}
        onChange={onChange}
      />
      <HeadersEditor rows={values.headers} errors={errors} onChange={(headers) => onChange({ headers })} />
      {mode === "create" && (
        <label className="check">
          <input type="checkbox" checked={values.ping} onChange={(e) => onChange({ ping: e.target.checked })} />
          Send a ping after creating
        </label>
      )}
    </details>
  );
}

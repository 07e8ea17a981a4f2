// The delivery controls of the webhook form: the circuit breaker (on by default; when to stop
// sending to a failing URL and how often to probe it) and ordering (in publish order, for the
// whole webhook or per value of a field of the event).
import { Field } from "../Field";
import { DEFAULT_BREAKER, type OrderingMode, type WebhookFormValues } from "./values";
import type { FieldErrors } from "./validation";

/** The form fields this section holds. */
export const DELIVERY_CONTROL_FIELDS = [
  "breakerEnabled",
  "breakerFailures",
  "breakerCooldown",
  "breakerMaxCooldown",
  "breakerDisableAfter",
  "orderingMode",
  "orderingField",
];

export function DeliveryControls({
  values,
  errors,
  onChange,
}: {
  values: WebhookFormValues;
  errors: FieldErrors;
  onChange: (change: Partial<WebhookFormValues>) => void;
}) {
  return (
    <>
      <fieldset className="delivery-controls">
        <legend>Circuit breaker</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={values.breakerEnabled}
            onChange={(e) => onChange({ breakerEnabled: e.target.checked })}
          />
          Stop sending while the URL keeps failing, and probe it until it is back
        </label>
        <p className="hint">
          While the circuit is open, deliveries wait without using up their retries; one probe at a
          time tests the URL. Turned off, failed deliveries use up their retries and the webhook is
          disabled after several failed in a row.
        </p>
        {values.breakerEnabled && (
          <div className="advanced-grid">
            <Field
              label="Opens after failed attempts"
              hint={`Attempts in a row, 1 to 1000. Empty: ${DEFAULT_BREAKER.failures}.`}
              error={errors.breakerFailures}
            >
              <input
                type="text"
                inputMode="numeric"
                value={values.breakerFailures}
                placeholder={String(DEFAULT_BREAKER.failures)}
                onChange={(e) => onChange({ breakerFailures: e.target.value })}
              />
            </Field>
            <Field
              label="First probe after"
              hint={`From 1s to 1d. Empty: ${DEFAULT_BREAKER.cooldown}.`}
              error={errors.breakerCooldown}
            >
              <input
                type="text"
                value={values.breakerCooldown}
                placeholder={DEFAULT_BREAKER.cooldown}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange({ breakerCooldown: e.target.value })}
              />
            </Field>
            <Field
              label="Longest wait between probes"
              hint={`The wait doubles after each failed probe, up to this (at most 7d). Empty: ${DEFAULT_BREAKER.maxCooldown}.`}
              error={errors.breakerMaxCooldown}
            >
              <input
                type="text"
                value={values.breakerMaxCooldown}
                placeholder={DEFAULT_BREAKER.maxCooldown}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange({ breakerMaxCooldown: e.target.value })}
              />
            </Field>
            <Field
              label="Disable when open for"
              hint={`Then the webhook is disabled as failing. A duration up to 365d, or never. Empty: ${DEFAULT_BREAKER.disableAfter}.`}
              error={errors.breakerDisableAfter}
            >
              <input
                type="text"
                value={values.breakerDisableAfter}
                placeholder={DEFAULT_BREAKER.disableAfter}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange({ breakerDisableAfter: e.target.value })}
              />
            </Field>
          </div>
        )}
      </fieldset>
      <fieldset className="delivery-controls">
        <legend>Ordering</legend>
        <div className="advanced-grid">
          <Field
            label="Deliver in publish order"
            hint="A delivery starts only when the one published before it (with the same key) has succeeded or finally failed."
            error={errors.orderingMode}
          >
            <select
              value={values.orderingMode}
              onChange={(e) => onChange({ orderingMode: e.target.value as OrderingMode })}
            >
              <option value="">No: deliveries run side by side</option>
              <option value="webhook">Yes, the whole webhook: one at a time</option>
              <option value="field">Yes, per value of a field of the event</option>
            </select>
          </Field>
          {values.orderingMode === "field" && (
            <Field
              label="Field"
              hint="Its path in the event, such as data.order_id. Events without it are not held in order."
              error={errors.orderingField}
            >
              <input
                type="text"
                className="mono"
                value={values.orderingField}
                placeholder="data.order_id"
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange({ orderingField: e.target.value })}
              />
            </Field>
          )}
        </div>
      </fieldset>
    </>
  );
}

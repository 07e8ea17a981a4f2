// The form shared by "Add webhook" and "Edit webhook": URL, events, description, tenant (admin,
// create only) and the advanced options. It checks what it can before sending, and places the
// server's field errors at their fields.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { ADVANCED_FIELDS, AdvancedOptions } from "./AdvancedOptions";
import { EventPicker } from "./EventPicker";
import { placeServerErrors, validate, type FieldErrors } from "./validation";
import type { FormMode, WebhookFormValues } from "./values";

export function WebhookForm({
  mode,
  initial,
  chooseTenant,
  busy,
  error,
  submitLabel,
  busyLabel,
  onSubmit,
  secondaryAction,
}: {
  mode: FormMode;
  initial: WebhookFormValues;
  /** Shows the Tenant field (the admin, creating). */
  chooseTenant: boolean;
  busy: boolean;
  /** The last failed submission, if any. */
  error: unknown;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (values: WebhookFormValues) => void;
  /** Shown beside the submit button, e.g. a Cancel link. */
  secondaryAction?: ReactNode;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [unplacedError, setUnplacedError] = useState<unknown>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  /** Bumped after each refused submission, to move the focus to the first field in error. */
  const [refusals, setRefusals] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  const visibleFields = new Set(["url", "events", "description", ...ADVANCED_FIELDS]);
  if (chooseTenant) visibleFields.add("tenant");
  if (mode === "edit") visibleFields.delete("secret");
  // v1a sends no simple header, so its fields are not shown.
  if (values.signatureScheme === "v1a") for (const field of ["simpleHeader", "simplePrefix"]) visibleFields.delete(field);

  function showErrors(found: FieldErrors) {
    setErrors(found);
    const keys = Object.keys(found);
    if (keys.some((k) => ADVANCED_FIELDS.includes(k) || k.startsWith("header:"))) setAdvancedOpen(true);
    if (keys.length > 0) setRefusals((n) => n + 1);
  }

  // A new failure from the server: place its field errors, and keep the rest for the notice.
  useEffect(() => {
    if (!error) return;
    const placed = placeServerErrors(error, values, visibleFields);
    setUnplacedError(placed.unplaced ? error : null);
    showErrors(placed.errors);
    // Only a new error should do this, not every keystroke after it: hence `[error]` alone.
  }, [error]);

  useEffect(() => {
    if (refusals === 0) return;
    form.current
      ?.querySelector<HTMLElement>('[aria-invalid="true"], fieldset[data-invalid] input:not(:disabled)')
      ?.focus();
  }, [refusals]);

  function change(update: Partial<WebhookFormValues>) {
    setValues((current) => ({ ...current, ...update }));
    // An edited field's message is out of date; drop it (and the fieldset's, for event changes).
    setErrors((current) => {
      const next = { ...current };
      for (const key of Object.keys(update)) delete next[key];
      if ("checkedEvents" in update || "allEvents" in update || "otherEvents" in update) delete next.events;
      if ("headers" in update) for (const key of Object.keys(next)) if (key.startsWith("header:")) delete next[key];
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setUnplacedError(null);
    const found = validate(values, mode);
    if (Object.keys(found).length > 0) {
      showErrors(found);
      return;
    }
    setErrors({});
    onSubmit(values);
  }

  const invalidCount = Object.keys(errors).length;
  return (
    <form ref={form} className="webhook-form" noValidate onSubmit={submit}>
      {invalidCount > 0 && (
        <p className="notice notice-error" role="alert">
          {invalidCount === 1 ? "One field needs" : `${invalidCount} fields need`} attention: see the
          messages below.
        </p>
      )}
      <ErrorNotice error={unplacedError} />
      <Field
        label="URL"
        hint="Where hookd sends each event, as an HTTP POST. An absolute http:// or https:// URL."
        error={errors.url}
      >
        <input
          type="url"
          inputMode="url"
          required
          aria-required="true"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://example.com/webhooks"
          value={values.url}
          onChange={(e) => change({ url: e.target.value })}
        />
      </Field>
      <EventPicker
        value={values}
        onChange={change}
        error={errors.events}
        otherError={errors.otherEvents}
      />
      <Field label="Description" hint="A note for people: what this webhook is for." error={errors.description}>
        <input type="text" value={values.description} onChange={(e) => change({ description: e.target.value })} />
      </Field>
      {chooseTenant && (
        <Field
          label="Tenant"
          hint="Whose events this webhook receives. Tenant tokens see only their own webhooks."
          error={errors.tenant}
        >
          <input
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={values.tenant}
            onChange={(e) => change({ tenant: e.target.value })}
          />
        </Field>
      )}
      <AdvancedOptions
        mode={mode}
        initialScheme={initial.signatureScheme}
        values={values}
        errors={errors}
        open={advancedOpen}
        onToggle={setAdvancedOpen}
        onChange={change}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {secondaryAction}
      </div>
    </form>
  );
}

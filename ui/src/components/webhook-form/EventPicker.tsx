// The Events fieldset: a checkbox per event type in the catalog, "All events (*)", and free text
// for names or patterns the catalog does not list.
import { useId } from "react";
import { Link } from "react-router-dom";
import { useIsAdmin } from "../../auth/session";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { Loading } from "../Loading";
import { useEventTypes } from "./useEventTypes";

export interface EventChoice {
  checkedEvents: string[];
  allEvents: boolean;
  otherEvents: string;
}

export function EventPicker({
  value,
  onChange,
  error,
  otherError,
}: {
  value: EventChoice;
  onChange: (change: Partial<EventChoice>) => void;
  /** At least one event, or the server's word on `events`. */
  error?: string;
  /** Names in "Other events" that are not event names. */
  otherError?: string;
}) {
  const id = useId();
  const catalog = useEventTypes();
  const admin = useIsAdmin();
  const types = catalog.data ?? [];

  function toggle(name: string, checked: boolean) {
    const rest = value.checkedEvents.filter((n) => n !== name);
    onChange({ checkedEvents: checked ? [...rest, name] : rest });
  }

  return (
    <fieldset
      className={`event-picker${error ? " fieldset-invalid" : ""}`}
      data-invalid={error ? "true" : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>Events</legend>
      <label className="check event-all">
        <input
          type="checkbox"
          checked={value.allEvents}
          onChange={(e) => onChange({ allEvents: e.target.checked })}
        />
        All events (*)
      </label>
      {catalog.isPending && <Loading label="Loading event types" />}
      <ErrorNotice error={catalog.error} onRetry={() => catalog.refetch()} />
      {catalog.isSuccess && types.length === 0 && (
        <p className="hint">
          The catalog has no event types yet: type event names below
          {admin ? (
            <>
              , or <Link to="/event-types">add event types</Link> first.
            </>
          ) : (
            "."
          )}
        </p>
      )}
      {types.length > 0 && (
        <ul className="event-options">
          {types.map((type) => (
            <li key={type.id} className="event-option">
              <label className="check">
                <input
                  type="checkbox"
                  checked={value.allEvents || value.checkedEvents.includes(type.name)}
                  disabled={value.allEvents}
                  aria-describedby={type.description ? `${id}-${type.id}` : undefined}
                  onChange={(e) => toggle(type.name, e.target.checked)}
                />
                <span className="mono">{type.name}</span>
              </label>
              {type.description && (
                <p className="hint" id={`${id}-${type.id}`}>
                  {type.description}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <Field
        label="Other events"
        hint="Comma-separated names or patterns, such as invoice.paid or user.*"
        error={value.allEvents ? undefined : otherError}
      >
        <input
          type="text"
          value={value.otherEvents}
          disabled={value.allEvents}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => onChange({ otherEvents: e.target.value })}
        />
      </Field>
      {value.allEvents && <p className="hint">Every event is sent to this webhook, including new types.</p>}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

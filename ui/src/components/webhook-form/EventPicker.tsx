// The Events fieldset: "All events (*)", a checkbox per name a webhook can subscribe to (from
// `GET /api/event-names`, grouped: the catalog's types with their descriptions, names seen in
// published events, hookd's own events), and free text for names or patterns listed nowhere.
// Names ticked when the form opened keep their checkbox even when no list has them (an edited
// webhook's subscription to a name no longer published, say).
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { useIsAdmin } from "../../auth/session";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { useEventTypeCatalog } from "../event-types/useEventTypeCatalog";
import { Loading } from "../Loading";
import { EventGroup, type EventOption } from "./EventGroup";
import { useEventNames } from "./useEventNames";

export interface EventChoice {
  checkedEvents: string[];
  allEvents: boolean;
  otherEvents: string;
}

/** What hookd's own events are, for the words under their checkboxes. */
const HOOKD_EVENTS: Record<string, string> = {
  "webhook.circuit_closed":
    "A probe of a webhook of this tenant succeeded: hookd sends to it again, and its waiting deliveries drain.",
  "webhook.circuit_opened":
    "A webhook of this tenant failed several attempts in a row: hookd stopped sending to it and probes it until it is back.",
  "webhook.disabled":
    "hookd disabled a webhook of this tenant: its deliveries kept failing (or its circuit stayed open too long), or its receiver answered 410 Gone.",
  "webhook.ping": "A test. Every webhook gets its own pings (Send test, and on creation), ticked or not.",
};

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
  const names = useEventNames();
  // Half a minute old is fresh enough for descriptions, as for the names.
  const catalog = useEventTypeCatalog({ staleTime: 30_000 });
  const admin = useIsAdmin();
  // The names ticked when the form opened: they stay offered after being unticked.
  const [initiallyChecked] = useState(value.checkedEvents);

  const descriptions = new Map((catalog.data ?? []).map((t) => [t.name, t.description]));
  const listed = names.data ?? [];
  const from = (source: string): EventOption[] =>
    listed
      .filter((n) => n.source === source)
      .map((n) => ({
        name: n.name,
        description: source === "hookd" ? HOOKD_EVENTS[n.name] : descriptions.get(n.name) || undefined,
      }));
  const known = new Set(listed.map((n) => n.name));
  // Not before the lists arrive: every ticked name would show here, then move to its group.
  const extra = (names.isPending ? [] : [...new Set([...initiallyChecked, ...value.checkedEvents])])
    .filter((name) => !known.has(name))
    .sort()
    .map((name) => ({ name }));

  const checked = (name: string) => value.allEvents || value.checkedEvents.includes(name);
  function toggle(name: string, tick: boolean) {
    const rest = value.checkedEvents.filter((n) => n !== name);
    onChange({ checkedEvents: tick ? [...rest, name] : rest });
  }
  const group = { checked, disabled: value.allEvents, onToggle: toggle };

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
      {names.isPending && <Loading label="Loading event names" />}
      <ErrorNotice error={names.error} onRetry={() => names.refetch()} />
      <EventGroup title="From the catalog" options={from("catalog")} {...group} />
      <EventGroup
        title="Seen in published events"
        note="not in the catalog"
        options={from("published")}
        {...group}
      />
      <EventGroup title="hookd's own events" options={from("hookd")} {...group} />
      <EventGroup title="Also subscribed" note="not listed above" options={extra} {...group} />
      {admin && (
        <p className="hint event-catalog-hint">
          To give a type a description and an optional JSON Schema for its data, add it on the{" "}
          <Link to="/event-types">Event types</Link> page.
        </p>
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

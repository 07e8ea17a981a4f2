// The filters above a webhook's delivery attempts: status, event type and a time range.
import { Field } from "../Field";

export interface LogFilterValues {
  /** "" for all, else `succeeded` or `failed`. */
  status: "" | "succeeded" | "failed";
  /** An event type, sent as `event`; "" for all. */
  eventType: string;
  /** datetime-local values (local time); "" for open-ended. */
  since: string;
  until: string;
}

export const NO_LOG_FILTERS: LogFilterValues = { status: "", eventType: "", since: "", until: "" };

export function LogFilters({
  values,
  onChange,
}: {
  values: LogFilterValues;
  onChange: (values: LogFilterValues) => void;
}) {
  const set = (change: Partial<LogFilterValues>) => onChange({ ...values, ...change });
  const filtered = Object.values(values).some(Boolean);
  return (
    <div className="toolbar log-filters" role="group" aria-label="Filter attempts">
      <Field label="Status">
        <select
          value={values.status}
          onChange={(e) => set({ status: e.target.value as LogFilterValues["status"] })}
        >
          <option value="">All</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
        </select>
      </Field>
      <Field label="Event type">
        <input
          type="text"
          value={values.eventType}
          placeholder="order.created"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ eventType: e.target.value })}
        />
      </Field>
      <Field label="Since">
        <input type="datetime-local" value={values.since} onChange={(e) => set({ since: e.target.value })} />
      </Field>
      <Field label="Until">
        <input type="datetime-local" value={values.until} onChange={(e) => set({ until: e.target.value })} />
      </Field>
      {filtered && (
        <button type="button" className="button button-small" onClick={() => onChange(NO_LOG_FILTERS)}>
          Clear filters
        </button>
      )}
    </div>
  );
}

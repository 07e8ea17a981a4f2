// The filters above the events list: type, tenant (the admin only) and a start time.
import { Field } from "../Field";

export interface EventFilterValues {
  type: string;
  tenant: string;
  /** A `datetime-local` value (local time, no zone), or "". */
  since: string;
}

export function EventFilters({
  values,
  showTenant,
  tenantSuggestions,
  onChange,
}: {
  values: EventFilterValues;
  showTenant: boolean;
  tenantSuggestions: string[];
  onChange: (values: EventFilterValues) => void;
}) {
  const set = (change: Partial<EventFilterValues>) => onChange({ ...values, ...change });
  return (
    <div className="toolbar" role="search" aria-label="Filter events">
      <Field label="Type">
        <input
          type="text"
          value={values.type}
          placeholder="order.created"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ type: e.target.value })}
        />
      </Field>
      {showTenant && (
        <Field label="Tenant">
          <input
            type="text"
            value={values.tenant}
            placeholder="All tenants"
            list="event-filter-tenants"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set({ tenant: e.target.value })}
          />
        </Field>
      )}
      {showTenant && (
        <datalist id="event-filter-tenants">
          {tenantSuggestions.map((tenant) => (
            <option key={tenant} value={tenant} />
          ))}
        </datalist>
      )}
      <Field label="Since">
        <input type="datetime-local" value={values.since} onChange={(e) => set({ since: e.target.value })} />
      </Field>
    </div>
  );
}

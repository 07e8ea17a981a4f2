// The filters above the failed-deliveries list: status (failed unless changed), webhook, event
// type, tenant (the admin only) and a time range. The API's objection to one is shown at it.
import { Field } from "../Field";

export type DeliveryStatusFilter = "" | "failed" | "pending" | "succeeded" | "cancelled";

export interface DeliveryFilterValues {
  /** "" for every status. */
  status: DeliveryStatusFilter;
  /** A webhook id (`wh_…`), or "". */
  webhook: string;
  eventType: string;
  tenant: string;
  /** datetime-local values (local time, no zone); "" for open-ended. */
  since: string;
  until: string;
}

export const DEFAULT_DELIVERY_FILTERS: DeliveryFilterValues = {
  status: "failed",
  webhook: "",
  eventType: "",
  tenant: "",
  since: "",
  until: "",
};

export function DeliveryFilters({
  values,
  showTenant,
  webhooks,
  tenantSuggestions,
  errors,
  onChange,
}: {
  values: DeliveryFilterValues;
  showTenant: boolean;
  /** Suggestions for the webhook filter. */
  webhooks: { id: string; url: string }[];
  tenantSuggestions: string[];
  /** The API's message per field it named (`webhook`, `event_type`, `since`, …). */
  errors: Record<string, string>;
  onChange: (values: DeliveryFilterValues) => void;
}) {
  const set = (change: Partial<DeliveryFilterValues>) => onChange({ ...values, ...change });
  const changed = (Object.keys(values) as (keyof DeliveryFilterValues)[]).some(
    (key) => values[key] !== DEFAULT_DELIVERY_FILTERS[key],
  );
  return (
    <div className="toolbar delivery-filters" role="search" aria-label="Filter deliveries">
      <Field label="Status" error={errors.status}>
        <select value={values.status} onChange={(e) => set({ status: e.target.value as DeliveryStatusFilter })}>
          <option value="failed">Failed</option>
          <option value="pending">Pending</option>
          <option value="succeeded">Succeeded</option>
          <option value="cancelled">Cancelled</option>
          <option value="">All statuses</option>
        </select>
      </Field>
      <Field label="Webhook" error={errors.webhook}>
        <input
          type="text"
          value={values.webhook}
          placeholder="All webhooks"
          list="delivery-filter-webhooks"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ webhook: e.target.value })}
        />
      </Field>
      <datalist id="delivery-filter-webhooks">
        {webhooks.map((webhook) => (
          <option key={webhook.id} value={webhook.id} label={webhook.url} />
        ))}
      </datalist>
      <Field label="Event type" error={errors.event_type}>
        <input
          type="text"
          value={values.eventType}
          placeholder="order.created"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ eventType: e.target.value })}
        />
      </Field>
      {showTenant && (
        <Field label="Tenant" error={errors.tenant}>
          <input
            type="text"
            value={values.tenant}
            placeholder="All tenants"
            list="delivery-filter-tenants"
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set({ tenant: e.target.value })}
          />
        </Field>
      )}
      {showTenant && (
        <datalist id="delivery-filter-tenants">
          {tenantSuggestions.map((tenant) => (
            <option key={tenant} value={tenant} />
          ))}
        </datalist>
      )}
      <Field label="Since" error={errors.since}>
        <input type="datetime-local" value={values.since} onChange={(e) => set({ since: e.target.value })} />
      </Field>
      <Field label="Until" error={errors.until}>
        <input type="datetime-local" value={values.until} onChange={(e) => set({ until: e.target.value })} />
      </Field>
      {changed && (
        <button type="button" className="button button-small" onClick={() => onChange(DEFAULT_DELIVERY_FILTERS)}>
          Reset filters
        </button>
      )}
    </div>
  );
}

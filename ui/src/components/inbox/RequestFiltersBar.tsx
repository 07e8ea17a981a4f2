// Filters of an inbox's history: verified or not, duplicates or not, a time window.
import { Field } from "../Field";
import type { RequestFilters } from "./useInboxRequests";

export type FilterInputs = { verified: string; duplicate: string; since: string; until: string };
export const NO_FILTERS: FilterInputs = { verified: "", duplicate: "", since: "", until: "" };

export function RequestFiltersBar({ value, onChange }: { value: FilterInputs; onChange: (v: FilterInputs) => void }) {
  const set = (update: Partial<FilterInputs>) => onChange({ ...value, ...update });
  return (
    <div className="toolbar" role="group" aria-label="Filter requests">
      <Field label="Verification">
        <select value={value.verified} onChange={(e) => set({ verified: e.target.value })}>
          <option value="">All</option>
          <option value="true">Verified</option>
          <option value="false">Not verified</option>
        </select>
      </Field>
      <Field label="Duplicates">
        <select value={value.duplicate} onChange={(e) => set({ duplicate: e.target.value })}>
          <option value="">All</option>
          <option value="false">New only</option>
          <option value="true">Duplicates only</option>
        </select>
      </Field>
      <Field label="Received since">
        <input type="datetime-local" value={value.since} onChange={(e) => set({ since: e.target.value })} />
      </Field>
      <Field label="Received before">
        <input type="datetime-local" value={value.until} onChange={(e) => set({ until: e.target.value })} />
      </Field>
    </div>
  );
}

/** The inputs as the API's query (and the live list's check). */
export function filtersOf(inputs: FilterInputs, toIso: (local: string) => string | undefined): RequestFilters {
  const filters: RequestFilters = {};
  if (inputs.verified) filters.verified = inputs.verified === "true";
  if (inputs.duplicate) filters.duplicate = inputs.duplicate === "true";
  const since = toIso(inputs.since);
  const until = toIso(inputs.until);
  if (since) filters.since = since;
  if (until) filters.until = until;
  return filters;
}

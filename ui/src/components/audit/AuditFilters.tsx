// The filters above the audit log: what was done, by whom, in which tenant.
import { Field } from "../Field";
import { AUDIT_ACTIONS, type AuditAction } from "./actions";

export interface AuditFilterValues {
  action: AuditAction | "";
  actor: string;
  tenant: string;
}

export function AuditFilters({
  values,
  onChange,
}: {
  values: AuditFilterValues;
  onChange: (values: AuditFilterValues) => void;
}) {
  const set = (change: Partial<AuditFilterValues>) => onChange({ ...values, ...change });
  return (
    <div className="toolbar" role="search" aria-label="Filter the audit log">
      <Field label="Action">
        <select value={values.action} onChange={(e) => set({ action: e.target.value as AuditAction | "" })}>
          <option value="">Every action</option>
          {AUDIT_ACTIONS.map(([name, label]) => (
            <option key={name} value={name}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Actor">
        <input
          type="text"
          value={values.actor}
          placeholder="admin, command_line or tok_…"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ actor: e.target.value.trim() })}
        />
      </Field>
      <Field label="Tenant">
        <input
          type="text"
          value={values.tenant}
          placeholder="All tenants"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => set({ tenant: e.target.value.trim() })}
        />
      </Field>
    </div>
  );
}

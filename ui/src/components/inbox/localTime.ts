// <input type="datetime-local"> values to and from ISO instants.

/** A local date and time as typed ("2026-11-29T10:30") as an ISO instant; empty stays undefined. */
export function isoOfLocal(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

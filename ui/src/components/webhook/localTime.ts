// Between `<input type="datetime-local">` values (local wall time, no zone) and the API's
// RFC 3339 UTC timestamps.

/** `2026-11-29T07:30` for a date, in the browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** The RFC 3339 UTC form of a datetime-local value; undefined when empty or incomplete. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

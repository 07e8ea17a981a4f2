// When the last re-queued delivery of a bulk retry or a recover gets its attempt, in words.

/** "the last attempt is due at 14:05:31" (today) or at the date and time (another day). */
export function lastAttemptDue(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return "";
  const due = new Date(iso);
  const sameDay = due.toDateString() === now.toDateString();
  return `the last attempt is due at ${sameDay ? due.toLocaleTimeString() : due.toLocaleString()}`;
}

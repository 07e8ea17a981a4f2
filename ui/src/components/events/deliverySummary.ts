// An event's deliveries in one line: how many are in each status, e.g. "2 succeeded · 1 pending".

/** Statuses in the order a reader cares about them; unknown ones follow. */
const ORDER = ["succeeded", "pending", "failed", "cancelled"];

export function summarizeDeliveries(deliveries: { status: string }[]): string {
  if (deliveries.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const { status } of deliveries) counts.set(status, (counts.get(status) ?? 0) + 1);
  const rank = (status: string) => {
    const index = ORDER.indexOf(status);
    return index === -1 ? ORDER.length : index;
  };
  return [...counts.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, count]) => `${count} ${status}`)
    .join(" · ");
}

/** True while any delivery may still change on its own. */
export function anyPending(deliveries: { status: string }[]): boolean {
  return deliveries.some((d) => d.status === "pending");
}

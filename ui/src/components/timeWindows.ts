// The time windows the dashboard and a webhook's page offer for their figures and charts: the
// same list and the same default on both, so their figures can be compared.

/** `[value sent as ?window=, words for the picker and the hints]`. */
export const WINDOWS: readonly (readonly [string, string])[] = [
  ["1h", "last hour"],
  ["6h", "last 6 hours"],
  ["24h", "last 24 hours"],
  ["7d", "last 7 days"],
];

export const DEFAULT_WINDOW = "24h";

/** "last 24 hours" for "24h"; the value itself for a window not in the list. */
export function windowWords(window: string): string {
  return WINDOWS.find(([value]) => value === window)?.[1] ?? `last ${window}`;
}

// Query keys for tenant tokens.
export const TOKENS_KEY = ["tokens"] as const;

export function tokenListKey(filters: Record<string, unknown>) {
  return ["tokens", "list", filters] as const;
}

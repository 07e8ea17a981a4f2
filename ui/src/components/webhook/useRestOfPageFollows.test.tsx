// A new attempt in the table refreshes the rest of the webhook's page (summary, figures, charts),
// but not the table itself, and not on the first load.
import { renderHook } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { useRestOfPageFollows } from "./useRestOfPageFollows";

test("refreshes everything of the webhook but its logs when the newest attempt changes", () => {
  const client = new QueryClient();
  const invalidate = vi.spyOn(client, "invalidateQueries").mockResolvedValue();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const { rerender } = renderHook(({ newest }) => useRestOfPageFollows("wh_1", newest), {
    wrapper,
    initialProps: { newest: undefined as string | undefined },
  });
  rerender({ newest: "att_1" });
  rerender({ newest: "att_1" });
  expect(invalidate).not.toHaveBeenCalled();

  rerender({ newest: "att_2" });
  expect(invalidate).toHaveBeenCalledTimes(1);
  const filters = invalidate.mock.calls[0][0]!;
  expect(filters.queryKey).toEqual(["webhook", "wh_1"]);
  const covers = (queryKey: unknown[]) => filters.predicate!({ queryKey } as never);
  expect(covers(["webhook", "wh_1"])).toBe(true);
  expect(covers(["webhook", "wh_1", "stats", "24h"])).toBe(true);
  expect(covers(["webhook", "wh_1", "logs", {}])).toBe(false);
});

// An action on one row that asks first: `ask(row)` opens the question, `confirm()` runs the
// action, and the list under `invalidate` is fetched again once it succeeded.
import { useState } from "react";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";

export function useConfirmedAction<Target>(
  action: (target: Target) => Promise<unknown>,
  invalidate: QueryKey,
) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<Target | null>(null);
  const mutation = useMutation({
    mutationFn: action,
    onSuccess: () => {
      setTarget(null);
      void queryClient.invalidateQueries({ queryKey: invalidate });
    },
    onError: () => setTarget(null),
  });
  return {
    /** The row being asked about, or null when no question is open. */
    target,
    ask: (row: Target) => {
      mutation.reset();
      setTarget(row);
    },
    cancel: () => setTarget(null),
    confirm: () => target !== null && mutation.mutate(target),
    busy: mutation.isPending,
    error: mutation.error,
  };
}

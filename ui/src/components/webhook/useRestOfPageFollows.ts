// Keeps a webhook's page in step with its attempts table.
import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { webhookKey } from "../../api/queryKeys";

/**
 * When a new attempt shows up in the table, the rest of the webhook's page (its failure streak,
 * figures and charts) is fetched again, so that it never contradicts the table for long.
 */
export function useRestOfPageFollows(webhookId: string, newestAttemptId: string | undefined) {
  const queryClient = useQueryClient();
  const seen = useRef(newestAttemptId);
  useEffect(() => {
    if (newestAttemptId === seen.current) return;
    const first = seen.current === undefined;
    seen.current = newestAttemptId;
    if (first) return;
    void queryClient.invalidateQueries({
      queryKey: webhookKey(webhookId),
      predicate: (query) => query.queryKey[2] !== "logs",
    });
  }, [queryClient, webhookId, newestAttemptId]);
}

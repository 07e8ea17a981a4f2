// Queues one new attempt of a delivery now, and refreshes whatever shows it. The server takes any
// status; the callers offer it only where it helps (LogsTable, RetryDeliveryButton).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { deliveryKey, METRICS_KEY, webhookKey } from "../../api/queryKeys";

export interface RetryTarget {
  deliveryId: string;
  webhookId: string;
  /** For the messages: which event is retried. */
  eventType: string;
}

export function useRetryDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (target: RetryTarget) =>
      call(api.POST("/api/deliveries/{id}/retry", { params: { path: { id: target.deliveryId } } })),
    onSuccess: (_answer, target) => {
      void queryClient.invalidateQueries({ queryKey: deliveryKey(target.deliveryId) });
      void queryClient.invalidateQueries({ queryKey: webhookKey(target.webhookId) });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
    },
  });
}

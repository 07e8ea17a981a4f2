// A link to a webhook's page, named by its URL once that is known (by its id until then, and
// when the webhook is gone or hidden from this token).
import { Link } from "react-router-dom";
import { useWebhookUrl } from "../events/useWebhookUrl";

export function WebhookLink({ id }: { id: string }) {
  const url = useWebhookUrl(id);
  return (
    <Link to={`/webhooks/${id}`} className={url ? undefined : "mono"}>
      {url ?? id}
    </Link>
  );
}

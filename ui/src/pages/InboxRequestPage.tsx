// One received request on a page of its own (where an event from an inbox links back to), with
// a link to its inbox.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, call } from "../api/client";
import { inboxRequestKey } from "../api/queryKeys";
import { PageHeader } from "../components/PageHeader";
import { RequestDetail } from "../components/inbox/RequestDetail";
import { useInbox } from "../components/inbox/useInbox";
import "../styles/inbox.css";

export function InboxRequestPage() {
  const { id = "" } = useParams();
  // The same query RequestDetail makes: answered from the cache.
  const request = useQuery({
    queryKey: inboxRequestKey(id),
    queryFn: () => call(api.GET("/api/inbox-requests/{id}", { params: { path: { id } } })),
  });
  const inboxId = request.data?.inbox_id ?? "";
  const inbox = useInbox(inboxId);
  return (
    <>
      <PageHeader
        title="Received request"
        subtitle={
          inboxId ? (
            <>
              Received by <Link to={`/inboxes/${inboxId}`}>{inbox.data?.name ?? inboxId}</Link>
            </>
          ) : undefined
        }
      />
      <RequestDetail id={id} scheme={inbox.data?.verify.scheme} />
    </>
  );
}

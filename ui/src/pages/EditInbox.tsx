// "Edit inbox": the inbox's settings in the shared form; a secret typed there replaces it.
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { INBOXES_KEY } from "../api/queryKeys";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { PageHeader } from "../components/PageHeader";
import { useInbox } from "../components/inbox/useInbox";
import { InboxForm } from "../components/inbox-form/InboxForm";
import { toPatchBody, valuesOf } from "../components/inbox-form/values";
import "../styles/inbox.css";

export function EditInbox() {
  const { id = "" } = useParams();
  const inbox = useInbox(id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Schemas["InboxPatch"]) => call(api.PATCH("/api/inboxes/{id}", { params: { path: { id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
      navigate(`/inboxes/${id}`);
    },
  });
  return (
    <>
      <PageHeader title="Edit inbox" subtitle={inbox.data?.name} />
      <ErrorNotice error={inbox.error} onRetry={() => inbox.refetch()} />
      {inbox.isPending ? (
        <Loading label="Loading inbox" />
      ) : inbox.data ? (
        <div className="card">
          <InboxForm
            mode="edit"
            initial={valuesOf(inbox.data)}
            chooseTenant={false}
            busy={save.isPending}
            error={save.error}
            submitLabel="Save changes"
            onSubmit={(values) => save.mutate(toPatchBody(values))}
            secondaryAction={
              <Link className="button" to={`/inboxes/${id}`}>
                Cancel
              </Link>
            }
          />
        </div>
      ) : null}
    </>
  );
}

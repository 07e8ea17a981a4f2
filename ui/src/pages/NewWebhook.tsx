// "Add webhook": the form, then (on 201) the new webhook's secret and the ping's result.
import { Link } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";
import { METRICS_KEY, WEBHOOKS_KEY } from "../api/queryKeys";
import { useSignedIn } from "../auth/session";
import { PageHeader } from "../components/PageHeader";
import { CreatedWebhook } from "../components/webhook-form/CreatedWebhook";
import { WebhookForm } from "../components/webhook-form/WebhookForm";
import { emptyValues, toCreateBody } from "../components/webhook-form/values";
import "../styles/webhooks.css";

export function NewWebhook() {
  const session = useSignedIn();
  const admin = session.role === "admin";
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Schemas["WebhookIn"]) => call(api.POST("/api/webhooks", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: WEBHOOKS_KEY });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
    },
  });

  return (
    <>
      <PageHeader
        title="Add webhook"
        subtitle={
          admin
            ? "Register a URL to receive the events it subscribes to, signed with its own secret."
            : `Register a URL to receive ${session.tenant}'s events, signed with its own secret.`
        }
      />
      {create.data ? (
        <CreatedWebhook
          webhook={create.data}
          onAddAnother={() => create.reset()}
        />
      ) : (
        <div className="card">
          <WebhookForm
            mode="create"
            initial={emptyValues(session.tenant ?? "default")}
            chooseTenant={admin}
            busy={create.isPending}
            error={create.error}
            submitLabel="Create webhook"
            busyLabel="Creating…"
            onSubmit={(values) => create.mutate(toCreateBody(values, { chooseTenant: admin }))}
            secondaryAction={
              <Link className="button" to="/webhooks">
                Cancel
              </Link>
            }
          />
        </div>
      )}
    </>
  );
}

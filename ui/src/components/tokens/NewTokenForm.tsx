// The admin's form to make a tenant token: a name (who it is for) and the one tenant it sees.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { TOKENS_KEY } from "../../api/queryKeys";
import { ApiError } from "../../api/errors";
import { Field } from "../Field";
import { ErrorNotice } from "../ErrorNotice";

export function NewTokenForm({ onCreated }: { onCreated: (token: Schemas["TokenCreated"]) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [tenant, setTenant] = useState("");
  const [missing, setMissing] = useState(false);

  const create = useMutation({
    mutationFn: (body: Schemas["TokenIn"]) => call(api.POST("/api/tokens", { body })),
    onSuccess: (token) => {
      onCreated(token);
      setName("");
      setTenant("");
      setMissing(false);
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });

  const problem = create.error instanceof ApiError ? create.error : null;
  const nameError =
    (missing && !name.trim() ? "Say who the token is for, e.g. the customer's name." : undefined) ??
    problem?.fieldMessage("name");
  const tenantError =
    (missing && !tenant.trim() ? "Give the tenant whose webhooks and events it may see." : undefined) ??
    problem?.fieldMessage("tenant");
  const shownAtField = Boolean(problem?.fieldMessage("name") || problem?.fieldMessage("tenant"));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    if (!name.trim() || !tenant.trim()) {
      setMissing(true);
      return;
    }
    create.mutate({ name: name.trim(), tenant: tenant.trim() });
  }

  return (
    <section className="card" aria-labelledby="new-token">
      <h2 id="new-token">New tenant token</h2>
      <p className="muted">
        A tenant token sees only its tenant's webhooks, events and deliveries: give it to a customer as
        their own portal.
      </p>
      <form onSubmit={submit} noValidate>
        <div className="token-fields">
          <Field label="Name" hint="Who it is for, e.g. Acme Corp." error={nameError}>
            <input type="text" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Tenant" hint="Letters, digits, _ . or -, e.g. acme." error={tenantError}>
            <input
              type="text"
              value={tenant}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setTenant(e.target.value)}
            />
          </Field>
        </div>
        {create.error && !shownAtField && <ErrorNotice error={create.error} />}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
      </form>
    </section>
  );
}

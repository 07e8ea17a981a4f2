// The form that publishes one event: its type (from the catalog, or any valid name), its data
// as JSON checked while typed, the tenant (the admin only) and an optional idempotency key.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { EVENT_NAMES_KEY, EVENTS_KEY, METRICS_KEY } from "../../api/queryKeys";
import { ApiError } from "../../api/errors";
import { useSignedIn } from "../../auth/session";
import { Field } from "../Field";
import { ErrorNotice } from "../ErrorNotice";
import { useEventTypeCatalog } from "../event-types/useEventTypeCatalog";
import { checkJsonObject, prettyJson } from "./json";
import { EventTypeInfo } from "./EventTypeInfo";
import { PublishResult } from "./PublishResult";

const PUBLISH_FIELDS = ["type", "data", "id", "tenant"];

export function PublishForm() {
  const session = useSignedIn();
  const admin = session.role === "admin";
  const queryClient = useQueryClient();
  const catalog = useEventTypeCatalog();
  const [type, setType] = useState("");
  const [dataText, setDataText] = useState("{}");
  const [tenant, setTenant] = useState("default");
  const [idempotencyKey, setIdempotencyKey] = useState("");
  const [typeMissing, setTypeMissing] = useState(false);

  const dataCheck = checkJsonObject(dataText, "Data");
  const chosenType = catalog.data?.find((t) => t.name === type.trim());

  const publish = useMutation({
    mutationFn: (body: Schemas["EventIn"]) => call(api.POST("/api/events", { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: EVENTS_KEY });
      void queryClient.invalidateQueries({ queryKey: METRICS_KEY });
      // A new type is now one the webhook form offers.
      void queryClient.invalidateQueries({ queryKey: EVENT_NAMES_KEY });
    },
  });

  const problem = publish.error instanceof ApiError ? publish.error : null;
  const serverError = (field: string) => problem?.fieldMessage(field);
  const shownAtField = PUBLISH_FIELDS.some((field) => serverError(field));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!dataCheck.ok || publish.isPending) return;
    if (type.trim() === "") {
      setTypeMissing(true);
      return;
    }
    const key = idempotencyKey.trim();
    publish.mutate({
      type: type.trim(),
      data: dataCheck.value as Record<string, never>,
      tenant: admin ? tenant.trim() || "default" : session.tenant,
      ...(key ? { id: key } : {}),
    });
  }

  const typeHint = chosenType
    ? undefined
    : catalog.isPending
      ? "Loading the catalog of event types…"
      : catalog.isError
        ? "The catalog of event types could not be loaded; type the name."
        : type.trim()
          ? "Not in the catalog: it is published all the same, without a schema check."
          : "Pick one from the catalog, or type any name such as order.created.";

  return (
    <form className="card publish-form" onSubmit={submit} noValidate>
      <Field
        label="Event type"
        hint={typeHint}
        error={typeMissing && type.trim() === "" ? "Give the event's type, e.g. order.created." : serverError("type")}
      >
        <input
          type="text"
          value={type}
          list="publish-event-types"
          autoComplete="off"
          spellCheck={false}
          placeholder="order.created"
          onChange={(e) => setType(e.target.value)}
        />
      </Field>
      <datalist id="publish-event-types">
        {(catalog.data ?? []).map((t) => (
          <option key={t.id} value={t.name}>
            {t.description}
          </option>
        ))}
      </datalist>
      {chosenType && <EventTypeInfo type={chosenType} />}

      <Field
        label="Data (JSON)"
        hint="A JSON object; receivers get it as the event's data, exactly as written."
        error={dataCheck.ok ? serverError("data") : dataCheck.message}
      >
        <textarea value={dataText} rows={10} spellCheck={false} onChange={(e) => setDataText(e.target.value)} />
      </Field>
      <div className="form-actions publish-format">
        <button
          type="button"
          className="button button-small"
          disabled={!dataCheck.ok}
          onClick={() => dataCheck.ok && setDataText(prettyJson(dataCheck.value))}
        >
          Format JSON
        </button>
      </div>

      {admin && (
        <Field label="Tenant" hint="Only this tenant's webhooks receive it." error={serverError("tenant")}>
          <input
            type="text"
            value={tenant}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTenant(e.target.value)}
          />
        </Field>
      )}
      <Field
        label="Idempotency key"
        hint="Optional. Publishing again with the same key returns the first event instead of sending it twice."
        error={serverError("id")}
      >
        <input
          type="text"
          value={idempotencyKey}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setIdempotencyKey(e.target.value)}
        />
      </Field>

      {publish.error && !shownAtField && <ErrorNotice error={publish.error} />}
      {publish.data && <PublishResult accepted={publish.data} />}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!dataCheck.ok || publish.isPending}>
          {publish.isPending ? "Publishing…" : "Publish"}
        </button>
      </div>
    </form>
  );
}

// The admin's form to add an event type to the catalog: a name, a description and an optional
// JSON Schema, checked as JSON while it is typed. The server's objections show at their fields.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call } from "../../api/client";
import { EVENT_TYPES_KEY } from "../../api/queryKeys";
import { ApiError } from "../../api/errors";
import { Field } from "../Field";
import { ErrorNotice } from "../ErrorNotice";
import { checkJsonObject } from "../events/json";

export function AddEventTypeForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [schemaText, setSchemaText] = useState("");
  const [added, setAdded] = useState<string | null>(null);

  const schemaCheck = schemaText.trim() === "" ? null : checkJsonObject(schemaText, "The schema");
  const schemaInvalid = schemaCheck !== null && !schemaCheck.ok;

  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/event-types", {
          body: {
            name: name.trim(),
            description: description.trim(),
            schema: schemaCheck?.ok ? (schemaCheck.value as Record<string, never>) : null,
          },
        }),
      ),
    onSuccess: (created) => {
      setAdded(created.name);
      setName("");
      setDescription("");
      setSchemaText("");
      void queryClient.invalidateQueries({ queryKey: EVENT_TYPES_KEY });
    },
  });

  const problem = add.error instanceof ApiError ? add.error : null;
  const nameError = problem?.fieldMessage("name") ?? (problem?.status === 409 ? problem.message : undefined);
  const fieldErrors = {
    name: nameError,
    description: problem?.fieldMessage("description"),
    schema: problem?.fieldMessage("schema"),
  };
  const errorShownAtField = Object.values(fieldErrors).some(Boolean);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (schemaInvalid || add.isPending) return;
    setAdded(null);
    add.mutate();
  }

  return (
    <section className="card" aria-labelledby="add-event-type">
      <h2 id="add-event-type">Add event type</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Name" hint="Segments of letters, digits, _ or - joined by dots, e.g. order.created." error={fieldErrors.name}>
          <input
            type="text"
            value={name}
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="order.created"
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Description" hint="Shown beside its checkbox in the webhook form." error={fieldErrors.description}>
          <input
            type="text"
            value={description}
            placeholder="An order was placed"
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <Field
          label="JSON Schema (optional)"
          hint="Events of this type whose data does not match it are refused with 422."
          error={schemaCheck && !schemaCheck.ok ? schemaCheck.message : fieldErrors.schema}
        >
          <textarea
            value={schemaText}
            rows={6}
            spellCheck={false}
            placeholder={'{"type": "object", "required": ["amount"]}'}
            onChange={(e) => setSchemaText(e.target.value)}
          />
        </Field>
        {add.error && !errorShownAtField && <ErrorNotice error={add.error} />}
        {added && (
          <p className="notice notice-good" role="status">
            Added {added}.
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={schemaInvalid || add.isPending}>
            {add.isPending ? "Adding…" : "Add event type"}
          </button>
        </div>
      </form>
    </section>
  );
}

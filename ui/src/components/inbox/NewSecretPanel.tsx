// "Set a new secret": hookd shows an inbox's secret only when it is made, so a lost secret is
// replaced, with a value typed (the one the sender shows) or generated here, shown once.
import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../../api/client";
import { INBOXES_KEY } from "../../api/queryKeys";
import { fieldErrors } from "../../api/errors";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { CreatedSecret } from "./CreatedSecret";

/** A fresh secret in the form the scheme expects. */
export function generateSecret(scheme: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  if (scheme === "standard") return `whsec_${btoa(String.fromCharCode(...bytes))}`;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return scheme === "basic" ? `hookd:${hex}` : hex;
}

export function NewSecretPanel({ inboxId, scheme }: { inboxId: string; scheme: Schemas["SchemeName"] }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState("");
  const save = useMutation({
    mutationFn: (secret: string) =>
      call(api.PATCH("/api/inboxes/{id}", { params: { path: { id: inboxId } }, body: { verify: { scheme, secret } } })),
    onSuccess: () => {
      setValue("");
      void queryClient.invalidateQueries({ queryKey: INBOXES_KEY });
    },
  });
  if (scheme === "none") return null;
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(value.trim());
  }
  const shown = save.data ? (save.data.verify.secret ?? save.variables) : undefined;
  return (
    <section className="card" aria-label="Secret">
      <h2>Secret</h2>
      <p className="hint">
        The secret is shown only when it is set. Set a new one (the one your sender shows, or one made here) to
        replace it; requests signed with the old one then fail verification.
      </p>
      <form onSubmit={submit} className="toolbar">
        <Field label="New secret" error={fieldErrors(save.error)["verify.secret"]}>
          <input type="text" value={value} autoComplete="off" spellCheck={false} className="mono" onChange={(e) => setValue(e.target.value)} />
        </Field>
        <button type="button" className="button" onClick={() => setValue(generateSecret(scheme))}>
          Generate
        </button>
        <button type="submit" className="button button-primary" disabled={!value.trim() || save.isPending}>
          Set a new secret
        </button>
      </form>
      {!fieldErrors(save.error)["verify.secret"] && <ErrorNotice error={save.error} />}
      {shown && <CreatedSecret secret={shown} title="New secret set" />}
    </section>
  );
}

// How deliveries are signed: the Standard Webhooks scheme (HMAC v1 or Ed25519 v1a), the secret
// when creating, and the simple header's name and prefix for receivers written for another
// sender's convention (such as GitHub's X-Hub-Signature-256: sha256=…).
import { Field } from "../Field";
import { DEFAULT_SIMPLE_HEADER, type FormMode, type SignatureScheme, type WebhookFormValues } from "./values";
import type { FieldErrors } from "./validation";

const SCHEME_HINTS: Record<SignatureScheme, string> = {
  v1: "HMAC-SHA256 with a secret the receiver also holds (whsec_…). Receivers also get the simple header below.",
  v1a: "Ed25519: hookd signs with a private key (whsk_…), receivers verify with its public key (whpk_…), which is not a secret. No simple header is sent.",
};

export function SignatureOptions({
  mode,
  initialScheme,
  values,
  errors,
  onChange,
}: {
  mode: FormMode;
  /** The scheme the webhook has (edit): choosing another makes a new secret. */
  initialScheme: SignatureScheme;
  values: WebhookFormValues;
  errors: FieldErrors;
  onChange: (change: Partial<WebhookFormValues>) => void;
}) {
  const v1a = values.signatureScheme === "v1a";
  return (
    <fieldset className="signature-options">
      <legend>Signatures</legend>
      <Field label="Signature scheme" hint={SCHEME_HINTS[values.signatureScheme]} error={errors.signatureScheme}>
        <select
          value={values.signatureScheme}
          onChange={(e) => onChange({ signatureScheme: e.target.value as SignatureScheme })}
        >
          <option value="v1">v1: HMAC-SHA256 (shared secret)</option>
          <option value="v1a">v1a: Ed25519 (public key)</option>
        </select>
      </Field>
      {mode === "edit" && values.signatureScheme !== initialScheme && (
        <p className="notice notice-info" role="status">
          Saving makes a new {v1a ? "Ed25519 key pair" : "secret"}, shown on the webhook's page. The
          current one keeps signing beside it for 24 hours, so receivers can switch over.
        </p>
      )}
      {mode === "create" && (
        <Field
          label="Secret"
          hint={
            v1a
              ? "The Ed25519 signing key, whsk_ followed by base64 (of the 32-byte seed, or of the seed and public key). Empty: hookd generates a key pair."
              : "The signing key, whsec_ followed by base64. Empty: hookd generates one."
          }
          error={errors.secret}
        >
          <input
            type="text"
            className="mono"
            value={values.secret}
            placeholder={v1a ? "whsk_…" : "whsec_…"}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => onChange({ secret: e.target.value })}
          />
        </Field>
      )}
      {!v1a && (
        <div className="advanced-grid">
          <Field
            label="Simple signature header"
            hint={`The header that carries the hex HMAC of the body. Empty: ${DEFAULT_SIMPLE_HEADER}. For receivers written for GitHub: X-Hub-Signature-256.`}
            error={errors.simpleHeader}
          >
            <input
              type="text"
              className="mono"
              value={values.simpleHeader}
              placeholder={DEFAULT_SIMPLE_HEADER}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ simpleHeader: e.target.value })}
            />
          </Field>
          <Field
            label="Simple signature prefix"
            hint="Written before the hex digest, such as sha256= (GitHub's). At most 32 visible characters. Empty: none."
            error={errors.simplePrefix}
          >
            <input
              type="text"
              className="mono"
              value={values.simplePrefix}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ simplePrefix: e.target.value })}
            />
          </Field>
        </div>
      )}
    </fieldset>
  );
}

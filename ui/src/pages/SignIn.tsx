// Sign in by pasting a token: the admin token, or a tenant token for that tenant's portal.
import { useState, type FormEvent } from "react";
import { useSession } from "../auth/session";
import { Field } from "../components/Field";

export function SignIn() {
  const { signIn, checking, error } = useSession();
  const [token, setToken] = useState("");
  const [missing, setMissing] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    await signIn(token);
  }

  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} noValidate>
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width={32} height={32} />
          hookd
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Paste the admin token that hookd printed on its first start, or a tenant token to open
          that tenant's portal.
        </p>
        <p className="hint">
          Lost the admin token? Stop hookd and run <code>hookd admin-token --reset</code> to make a
          new one (or set <code>HOOKD_ADMIN_TOKEN</code>).
        </p>
        <Field
          label="Token"
          error={missing ? "Paste a token first." : undefined}
          hint="It stays in this browser tab only."
        >
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </Field>
        {error && (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="button button-primary" disabled={checking}>
          {checking ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

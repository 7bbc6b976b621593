// Shown when the API answers 401: one field, the admin token; the server sets an HttpOnly cookie.
import { useState, type FormEvent, type ReactElement } from "react";
import { ApiError, login } from "../api.ts";

export function LoginForm(props: { onSignedIn: () => void }): ReactElement {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await login(token);
      setToken("");
      props.onSignedIn();
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 401 ? "That token is not right." : `Sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-backdrop">
      <form className="login" onSubmit={submit} data-testid="login-form">
        <h2>Sign in to Tollgate</h2>
        <p className="muted">
          This Tollgate requires its admin token (<code>TOLLGATE_ADMIN_TOKEN</code>).
        </p>
        <label>
          Admin token
          <input
            type="password"
            autoComplete="current-password"
            autoFocus
            value={token}
            data-testid="login-token"
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        {problem ? (
          <p className="form-problem" role="alert" data-testid="login-error">
            {problem}
          </p>
        ) : null}
        <button type="submit" disabled={busy || token === ""} data-testid="login-submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}

// Creates a virtual key (POST /api/keys); the answer carries the secret, which the caller shows once.
import { useState, type FormEvent, type ReactElement } from "react";
import { ApiError, createKey, type CreatedKey } from "../api.ts";
import { emptyKeyDraft, validateKeyDraft, WIDER_KEY_SCOPES, type KeyDraft, type KeyDraftErrors } from "../lib/budget-form.ts";

export function KeyForm(props: { apps: readonly string[]; onCreated: (key: CreatedKey) => void }): ReactElement {
  const [draft, setDraft] = useState<KeyDraft>(emptyKeyDraft);
  const [errors, setErrors] = useState<KeyDraftErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (scope: string, on: boolean) =>
    setDraft((d) => ({ ...d, endpoints: on ? [...d.endpoints, scope] : d.endpoints.filter((s) => s !== scope) }));
  const set = (k: Exclude<keyof KeyDraft, "endpoints">) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const field = (k: Exclude<keyof KeyDraft, "endpoints">, label: string, input: ReactElement) => (
    <label className={errors[k] ? "invalid" : undefined}>
      {label}
      {input}
      {errors[k] ? (
        <span className="field-error" data-testid={`key-error-${k}`}>
          {errors[k]}
        </span>
      ) : null}
    </label>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const result = validateKeyDraft(draft, Date.now());
    if ("errors" in result) return setErrors(result.errors);
    setErrors({});
    setBusy(true);
    try {
      const created = await createKey(result.key);
      setDraft(emptyKeyDraft());
      props.onCreated(created);
    } catch (err) {
      setProblem(err instanceof ApiError ? `The API refused the key: ${err.message}` : `Could not create: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="price-form" onSubmit={submit} data-testid="key-form" noValidate>
      <div className="form-grid">
        {field(
          "app",
          "App (pinned to every call)",
          <input value={draft.app} onChange={set("app")} list="key-apps" data-testid="key-app" autoComplete="off" />,
        )}
        <datalist id="key-apps">
          {props.apps.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        {field(
          "provider",
          "Provider (optional)",
          <input value={draft.provider} onChange={set("provider")} placeholder="any provider" data-testid="key-provider" />,
        )}
        {field(
          "expiresAt",
          "Expires (UTC, optional)",
          <input type="datetime-local" value={draft.expiresAt} onChange={set("expiresAt")} data-testid="key-expiresAt" />,
        )}
      </div>
      <fieldset className="key-scopes" data-testid="key-scopes">
        <legend>Reaches chat, responses, embeddings and model listing; also (unmetered, with the held key):</legend>
        {WIDER_KEY_SCOPES.map((scope) => (
          <label key={scope}>
            <input
              type="checkbox"
              checked={draft.endpoints.includes(scope)}
              onChange={(e) => toggle(scope, e.target.checked)}
              data-testid={`key-scope-${scope}`}
            />
            {scope}
          </label>
        ))}
      </fieldset>
      {problem ? (
        <p className="form-problem" role="alert" data-testid="key-problem">
          {problem}
        </p>
      ) : null}
      <button type="submit" disabled={busy} data-testid="key-submit">
        {busy ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

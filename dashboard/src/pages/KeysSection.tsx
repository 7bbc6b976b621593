// Virtual keys: the list (prefix only — the secret is never stored), a form to create one whose secret
// is shown once, and revocation after a confirmation.
import { useState, type ReactElement } from "react";
import { revokeKey, type CreatedKey, type KeysResponse } from "../api.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { DataView } from "../components/DataView.tsx";
import { KeyForm } from "../components/KeyForm.tsx";
import { NewKeySecret } from "../components/NewKeySecret.tsx";
import { Panel } from "../components/Panel.tsx";
import type { ApiState } from "../hooks/useApi.ts";
import { formatDateTime } from "../lib/format.ts";

export function KeysSection(props: {
  state: ApiState<KeysResponse>;
  apps: readonly string[];
  onChanged: (message: string) => void;
  onError: (message: string) => void;
}): ReactElement {
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const { state } = props;
  return (
    <Panel
      title="Virtual keys"
      testId="keys-panel"
      note="A virtual key pins every call to its app and lets Tollgate send the provider key it holds; only its prefix is listed."
    >
      {created ? <NewKeySecret created={created} onDone={() => setCreated(null)} /> : null}
      <KeyForm
        apps={props.apps}
        onCreated={(k) => {
          setCreated(k);
          state.reload();
        }}
      />
      <DataView state={state} isEmpty={(d) => d.keys.length === 0} empty="No virtual keys yet. Apps pass their own provider keys through.">
        {(d) => (
          <table className="table" data-testid="keys">
            <thead>
              <tr>
                <th>Prefix</th>
                <th>App</th>
                <th>Provider</th>
                <th>Created</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>Status</th>
                <th>Scopes</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.keys.map((k) => (
                <tr key={k.id} data-testid="key-row" data-key-id={k.id} className={k.status !== "active" ? "inactive" : undefined}>
                  <td className="mono" data-testid="key-prefix">
                    {k.prefix}…
                  </td>
                  <td>{k.app}</td>
                  <td>{k.provider ?? <span className="muted">any</span>}</td>
                  <td className="nowrap">{formatDateTime(k.createdAt)}</td>
                  <td className="nowrap">{k.expiresAt ? formatDateTime(k.expiresAt) : <span className="muted">never</span>}</td>
                  <td className="nowrap">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td data-testid="key-status">
                    <span className={`badge ${k.status === "active" ? "badge-ok" : "badge-bad"}`}>{k.status}</span>
                    {k.revokedAt ? <span className="muted"> {formatDateTime(k.revokedAt)}</span> : null}
                  </td>
                  <td data-testid="key-scopes-list">{(k.endpoints ?? ["inference", "models"]).join(", ")}</td>
                  <td className="nowrap">
                    {k.status === "revoked" ? null : (
                      <ConfirmButton
                        label="Revoke"
                        question={`Revoke ${k.prefix}…? Calls with it will be refused (401).`}
                        confirmLabel="Yes, revoke"
                        testId="key-revoke"
                        onConfirm={async () => {
                          try {
                            await revokeKey(k.id);
                            props.onChanged(`Revoked key ${k.prefix}… of ${k.app}.`);
                          } catch (err) {
                            props.onError(`Could not revoke ${k.prefix}…: ${(err as Error).message}`);
                          }
                          state.reload();
                        }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </DataView>
    </Panel>
  );
}

// The one and only showing of a new key's secret: Tollgate keeps just a hash, so it cannot be shown again.
import { useRef, useState, type ReactElement } from "react";
import type { CreatedKey } from "../api.ts";

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // not allowed (e.g. plain http on another host): fall back to selecting the text
  }
  if (!input) return false;
  input.select();
  try {
    return document.execCommand?.("copy") ?? false;
  } catch {
    return false;
  }
}

export function NewKeySecret(props: { created: CreatedKey; onDone: () => void }): ReactElement {
  const k = props.created;
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="banner banner-warn secret" role="alert" data-testid="new-key">
      <strong>Copy this key now — it will not be shown again.</strong> Tollgate stores only a hash of it. Give it to{" "}
      <strong>{k.app}</strong> in place of a provider key
      {k.provider ? ` for ${k.provider}` : ""}; anyone holding it can spend as that app.
      <div className="secret-row">
        <input
          ref={input}
          readOnly
          value={k.key}
          className="mono"
          aria-label="New virtual key"
          data-testid="new-key-secret"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" data-testid="new-key-copy" onClick={async () => setCopied(await copyText(k.key, input.current))}>
          Copy
        </button>
        <button type="button" className="link-button" data-testid="new-key-done" onClick={props.onDone}>
          I have stored it
        </button>
      </div>
      {copied === true ? <span data-testid="new-key-copied">Copied to the clipboard.</span> : null}
      {copied === false ? <span data-testid="new-key-copied">Could not copy: the key is selected, press Ctrl+C (⌘C).</span> : null}
    </div>
  );
}

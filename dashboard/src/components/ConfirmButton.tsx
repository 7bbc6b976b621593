// A destructive action in two steps: the button asks, then "Yes, …" does it (or Cancel backs out).
import { useState, type ReactElement } from "react";

export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  testId: string;
}): ReactElement {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="link-button danger" onClick={() => setAsking(true)} data-testid={props.testId}>
        {props.label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" data-testid={`${props.testId}-confirm`}>
      <span>{props.question}</span>
      <button
        type="button"
        className="danger-button"
        disabled={busy}
        data-testid={`${props.testId}-yes`}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {busy ? "Working…" : props.confirmLabel}
      </button>
      <button type="button" className="link-button" disabled={busy} onClick={() => setAsking(false)} data-testid={`${props.testId}-cancel`}>
        Cancel
      </button>
    </span>
  );
}

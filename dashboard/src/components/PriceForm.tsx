// The form that adds an effective-dated price row (POST /api/prices).
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from "react";
import { ApiError, createPrice, type Price } from "../api.ts";
import { emptyDraft, MATCH_TYPES, validatePriceDraft, type PriceDraft, type PriceDraftErrors } from "../lib/price-form.ts";

const MONEY_FIELDS: Array<[keyof PriceDraft, string]> = [
  ["inputUsdPerMTok", "Input $/1M tokens"],
  ["cachedInputUsdPerMTok", "Cached input $/1M"],
  ["cacheWriteUsdPerMTok", "Cache write $/1M"],
  ["cacheWrite1hUsdPerMTok", "Cache write 1h $/1M"],
  ["outputUsdPerMTok", "Output $/1M tokens"],
];

export function PriceForm(props: { prefill: { provider: string; model: string } | null; onCreated: (price: Price) => void }): ReactElement {
  const [draft, setDraft] = useState<PriceDraft>(() => emptyDraft(new Date().toISOString()));
  const [errors, setErrors] = useState<PriceDraftErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!props.prefill) return;
    setDraft((d) => ({ ...d, provider: props.prefill?.provider ?? "", model: props.prefill?.model ?? "" }));
    form.current?.scrollIntoView?.({ behavior: "smooth", block: "start" });
    form.current?.querySelector<HTMLInputElement>("[data-testid=price-inputUsdPerMTok]")?.focus();
  }, [props.prefill]);

  const set = (k: keyof PriceDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const field = (k: keyof PriceDraft, label: string, input: ReactElement) => (
    <label className={errors[k] ? "invalid" : undefined}>
      {label}
      {input}
      {errors[k] ? (
        <span className="field-error" data-testid={`price-error-${k}`}>
          {errors[k]}
        </span>
      ) : null}
    </label>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const result = validatePriceDraft(draft);
    if ("errors" in result) return setErrors(result.errors);
    setErrors({});
    setBusy(true);
    try {
      const created = await createPrice(result.price);
      setDraft(emptyDraft(new Date().toISOString()));
      props.onCreated(created);
    } catch (err) {
      setProblem(err instanceof ApiError ? `The API refused the price: ${err.message}` : `Could not save: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="price-form" onSubmit={submit} data-testid="price-form" noValidate>
      <div className="form-grid">
        {field("provider", "Provider", <input value={draft.provider} onChange={set("provider")} data-testid="price-provider" />)}
        {field("model", "Model", <input value={draft.model} onChange={set("model")} data-testid="price-model" />)}
        {field(
          "matchType",
          "Match",
          <select value={draft.matchType} onChange={set("matchType")} data-testid="price-matchType">
            {MATCH_TYPES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>,
        )}
        {field(
          "serviceTier",
          "Service tier (optional)",
          <input value={draft.serviceTier} onChange={set("serviceTier")} placeholder="any" />,
        )}
        {field(
          "effectiveFrom",
          "Effective from (UTC)",
          <input type="datetime-local" value={draft.effectiveFrom} onChange={set("effectiveFrom")} data-testid="price-effectiveFrom" />,
        )}
        {MONEY_FIELDS.map(([k, label]) => (
          <span key={k}>
            {field(
              k,
              label,
              <input
                inputMode="decimal"
                value={draft[k]}
                onChange={set(k)}
                data-testid={`price-${k}`}
                placeholder={k === "inputUsdPerMTok" || k === "outputUsdPerMTok" ? "required" : "optional"}
              />,
            )}
          </span>
        ))}
      </div>
      {problem ? (
        <p className="form-problem" role="alert" data-testid="price-problem">
          {problem}
        </p>
      ) : null}
      <button type="submit" disabled={busy} data-testid="price-submit">
        {busy ? "Saving…" : "Add price"}
      </button>
      <span className="muted">
        New calls from the effective time use this row. Calls already recorded keep their cost until re-priced with{" "}
        <code>npm run tollgate -- prices recompute --from … --to …</code>.
      </span>
    </form>
  );
}

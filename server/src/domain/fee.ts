/** A fee as a response reports it: how many units of `kind`; null when the provider does not say. */
export interface FeeCount {
  kind: string;
  count: number | null;
}

/**
 * A fee as recorded on a call (`fees` in the API): its count and what it cost. `usd` is null when the count
 * is unknown or no fee price matched; such a fee adds nothing to the call's cost, and says so.
 */
export interface Fee extends FeeCount {
  usd: string | null;
}

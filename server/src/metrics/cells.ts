import type { Metric, Registry } from "prom-client";

/**
 * Hot-path metrics as plain numbers. prom-client hashes the label set on every `inc`/`observe` (a string
 * built per update); these keep one mutable cell per label combination instead, so an update is a number
 * add on an object the caller has cached. The registry reads the cells only when scraped, through the same
 * `get()` contract prom-client's own metrics implement, and formats (and escapes) them as usual.
 */
type Labels = Readonly<Record<string, string>>;

export interface CounterCell {
  readonly labels: Labels;
  value: number;
}

export interface HistogramCell {
  readonly labels: Labels;
  /** per-bucket (not cumulative) counts; the last slot holds values above every bound */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

abstract class CellMetric<C> {
  readonly aggregator = "sum";
  protected readonly cells: C[] = [];
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "histogram",
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }
  /** Registry.resetMetrics(): zero every cell in place (callers keep their cached cells). */
  abstract reset(): void;
  protected abstract values(): ValuePair[];
  async get(): Promise<{ name: string; help: string; type: string; values: ValuePair[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }
}

/** A counter whose series are cells; a cell at 0 is not exported until it is first incremented. */
export class CellCounter extends CellMetric<CounterCell> {
  constructor(registry: Registry, name: string, help: string) {
    super(name, help, "counter", registry);
  }

  /** A new cell for one label combination; cache it — every call creates a distinct series. */
  cell(labels: Labels): CounterCell {
    const cell: CounterCell = { labels, value: 0 };
    this.cells.push(cell);
    return cell;
  }

  reset(): void {
    for (const cell of this.cells) cell.value = 0;
  }

  protected values(): ValuePair[] {
    const out: ValuePair[] = [];
    for (const cell of this.cells) if (cell.value > 0) out.push({ labels: { ...cell.labels }, value: cell.value });
    return out;
  }
}

export class CellHistogram extends CellMetric<HistogramCell> {
  readonly bounds: readonly number[];

  constructor(registry: Registry, name: string, help: string, bounds: readonly number[]) {
    super(name, help, "histogram", registry);
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError(`${name}: buckets must increase`);
    }
    this.bounds = bounds;
  }

  cell(labels: Labels): HistogramCell {
    const cell: HistogramCell = { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
    this.cells.push(cell);
    return cell;
  }

  /** Records one value (seconds) in a cell of this histogram. */
  observe(cell: HistogramCell, value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    cell.counts[i]!++;
    cell.sum += value;
    cell.count++;
  }

  reset(): void {
    for (const cell of this.cells) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }

  protected values(): ValuePair[] {
    const out: ValuePair[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.cells) {
      if (cell.count === 0) continue;
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += cell.counts[i]!;
        out.push({ labels: { ...cell.labels, le: this.bounds[i]! }, value: cumulative, metricName: bucket });
      }
      out.push({ labels: { ...cell.labels, le: "+Inf" }, value: cell.count, metricName: bucket });
      out.push({ labels: { ...cell.labels }, value: cell.sum, metricName: `${this.name}_sum` });
      out.push({ labels: { ...cell.labels }, value: cell.count, metricName: `${this.name}_count` });
    }
    return out;
  }
}

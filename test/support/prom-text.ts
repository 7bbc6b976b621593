/** A small parser for the Prometheus text exposition format (0.0.4), for asserting on `/metrics` output. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** metric family name → TYPE (counter, gauge, histogram, …) */
  types: Map<string, string>;
  /** sample names present (histogram families contribute their _bucket, _sum and _count names) */
  names(): Set<string>;
  /** metric family names: TYPE declarations plus every sample name */
  families(): Set<string>;
  /** samples of `name` whose labels include every given pair */
  find(name: string, labels?: Record<string, string>): Sample[];
  /** the one sample of `name` with exactly matching (included) labels; throws when none or several match */
  value(name: string, labels?: Record<string, string>): number;
  /** the sum over samples of `name` matching `labels` (0 when none) */
  sum(name: string, labels?: Record<string, string>): number;
  /** distinct values of `label` across samples of `name` */
  labelValues(name: string, label: string): Set<string>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;

export function parsePromText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const type = /^#\s+TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type?.[1] && type[2]) types.set(type[1], type[2]);
      continue;
    }
    const match = LINE.exec(line);
    if (!match?.[1] || match[3] === undefined) throw new Error(`unparsable exposition line: ${line}`);
    samples.push({ name: match[1], labels: parseLabels(match[2] ?? ""), value: parseValue(match[3]) });
  }

  const find = (name: string, labels: Record<string, string> = {}): Sample[] =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  return {
    samples,
    types,
    names: () => new Set(samples.map((s) => s.name)),
    families: () => new Set([...types.keys(), ...samples.map((s) => s.name)]),
    find,
    value(name, labels = {}) {
      const found = find(name, labels);
      if (found.length !== 1) {
        throw new Error(`expected one sample of ${name}${JSON.stringify(labels)}, found ${found.length}`);
      }
      return found[0]!.value;
    },
    sum: (name, labels = {}) => find(name, labels).reduce((total, s) => total + s.value, 0),
    labelValues: (name, label) => new Set(find(name).flatMap((s) => (s.labels[label] === undefined ? [] : [s.labels[label]]))),
  };
}

/** Sample values as Go's strconv.ParseFloat reads them (Prometheus accepts `Nan`, `+Inf` in any case). */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan") return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad sample value: ${text}`);
  return value;
}

/** Parses `a="x",b="y\"z"` with the format's escapes (\\, \", \n). */
function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    while (body[i] === "," || body[i] === " ") i++;
    if (i >= body.length) break;
    const eq = body.indexOf("=", i);
    if (eq < 0 || body[eq + 1] !== '"') throw new Error(`bad label set: {${body}}`);
    const name = body.slice(i, eq).trim();
    let value = "";
    let j = eq + 2;
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === "\\") {
        j++;
        const escaped = body[j];
        value += escaped === "n" ? "\n" : (escaped ?? "");
      } else {
        value += body[j];
      }
    }
    if (j >= body.length) throw new Error(`unterminated label value: {${body}}`);
    labels[name] = value;
    i = j + 1;
  }
  return labels;
}

/**
 * Metric names a PromQL expression reads — enough of a PromQL reader to check dashboards and alert rules
 * against a live exposition: strings, label matchers, ranges, grouping clauses and Grafana variables are
 * removed, then every identifier not called as a function and not a keyword is a metric name.
 */
const KEYWORDS = new Set([
  "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
  "inf", "nan", "start", "end",
]);

export function metricNames(expr: string): Set<string> {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/`[^`]*`/g, "``")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\$\{[^}]*\}|\$\w+/g, " ");
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const before = s[match.index - 1] ?? " ";
    if (/[0-9.]/.test(before)) continue; // exponent or duration unit of a number: 1e9, 5m
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (s.slice(match.index + name.length).trimStart().startsWith("(")) continue; // function or aggregation
    names.add(name);
  }
  return names;
}

/** Replaces Grafana's variables with values PromQL accepts, so a dashboard query can be syntax-checked. */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, "5m")
    .replace(/\$__range|\$\{__range\}/g, "1h")
    .replace(/\$\{?\w+\}?/g, ".*");
}

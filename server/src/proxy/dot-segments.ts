/** A path that may hold dot segments, or a separator an upstream server might decode. */
const SUSPECT = /\/(?:\.|%2e)|%2f|%5c|\\/i;

/**
 * The request path with `.` and `..` segments resolved (`%2e` counted as a dot), as the upstream would
 * resolve them; null when they climb above the provider's root, which would reach the upstream outside the
 * provider's configured base path. Encoded slashes and backslashes count as separators for that check,
 * since some servers decode them first. Plain paths (nearly all) are returned as they are.
 */
export function resolveDotSegments(path: string): string | null {
  if (!SUSPECT.test(path)) return path;
  const dotted = path.replace(/%2e/gi, ".");
  let depth = 0;
  for (const segment of dotted.split(/\/|%2f|%5c|\\/i).slice(1)) {
    if (segment === "..") depth--;
    else if (segment !== "." && segment !== "") depth++;
    if (depth < 0) return null;
  }
  const out: string[] = [];
  const segments = dotted.split("/").slice(1);
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "..") out.pop();
    else if (segment !== ".") out.push(segment);
    // "/a/." and "/a/b/.." name the directory: keep its trailing slash
    if (last && (segment === "." || segment === "..")) out.push("");
  });
  return "/" + out.join("/");
}

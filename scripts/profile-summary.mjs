// Summarises a V8 CPU profile (`npm run bench -- proxy --profile DIR` writes one per Tollgate run): each
// function's share of the process's busy time (idle excluded), inclusive and self, largest first.
//   node scripts/profile-summary.mjs DIR/CPU.*.cpuprofile [regex on "function file:line"] [rows]
import { readFileSync } from "node:fs";

const [file, filter = "dist/", rows = "50"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/profile-summary.mjs PROFILE.cpuprofile [filter regex] [rows]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) =>
  `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/.*\/(dist|src|node_modules)\//, "$1/")}:${n.callFrame.lineNumber}`;

const sampled = new Map();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  sampled.set(id, (sampled.get(id) ?? 0) + dt);
  total += dt;
  if (byId.get(id).callFrame.functionName === "(idle)") idle += dt;
});
const inclusive = new Map();
const self = new Map();
for (const [id, dt] of sampled) {
  const own = name(byId.get(id));
  self.set(own, (self.get(own) ?? 0) + dt);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (seen.has(k)) continue; // recursion counts once
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}
const busy = total - idle;
const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled\n  incl.   self  function`);
const re = new RegExp(filter);
for (const [k, t] of [...inclusive]
  .filter(([k]) => re.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(rows)))
  console.log(`${pct(t)} ${pct(self.get(k) ?? 0)}  ${k}`);

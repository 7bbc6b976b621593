// Runs before every test file (vitest.config.ts setupFiles). The dashboard's jsdom tests wait for what they
// check with testing-library's findBy… and waitFor, whose default limit is 1 s: a page of charts can take
// longer than that to render on a loaded machine. Their limit is the test's own instead (the waits still
// end as soon as what they wait for is there). Files in the node environment have no document: nothing to do.
export {};

if (typeof document !== "undefined") {
  const { configure } = await import("@testing-library/react");
  configure({ asyncUtilTimeout: 20_000 });
}

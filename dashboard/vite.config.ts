// Builds the dashboard into dashboard/dist (served by Tollgate at /); `npm run dev:dashboard` serves it
// with /api proxied to a local Tollgate.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The d3 scales the charts can ask recharts for. recharts picks a scale by name from
 * `import * as d3Scales from "victory-vendor/d3-scale"`, and that namespace import keeps every d3 scale in the
 * bundle — the time scales with d3-time and d3-time-format among them (≈8 KB brotli). Axes left at
 * `scale="auto"` (every chart here) use band, point or linear scales; a name missing here would make recharts
 * fall back to a point scale, so a chart given another `scale` needs it added.
 */
const D3_SCALES = ["scaleBand", "scaleLinear", "scalePoint"];
const D3_SCALE_LITE = "\0d3-scale-lite";

function d3ScaleLite(): Plugin {
  // d3-scale as recharts' copy of victory-vendor resolves it
  const d3Scale = createRequire(createRequire(import.meta.url).resolve("victory-vendor/d3-scale")).resolve("d3-scale");
  return {
    name: "tollgate-d3-scale-lite",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "victory-vendor/d3-scale" && importer?.includes("/recharts/")) return D3_SCALE_LITE;
      return null;
    },
    load(id) {
      if (id !== D3_SCALE_LITE) return null;
      return `export { ${D3_SCALES.join(", ")} } from ${JSON.stringify(d3Scale)};`;
    },
  };
}

export default defineConfig({
  root,
  base: "/",
  plugins: [react(), d3ScaleLite()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8655", changeOrigin: false },
    },
  },
});

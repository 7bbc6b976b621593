import type { Config } from "./config-types.ts";

/** The secrets the configuration holds: provider keys, provider admin keys, the admin and metrics tokens, the key pepper. */
export function configuredSecrets(config: Config): string[] {
  const all = [
    config.adminToken,
    config.metricsToken,
    config.access.keyPepper,
    ...[...config.providers.values()].map((p) => p.apiKey),
    ...[...config.providers.values()].map((p) => p.serviceAccount?.privateKey),
    ...config.reconcile.sources.map((s) => s.adminKey),
  ];
  // Very short values would redact ordinary words; real keys and tokens are far longer.
  return [...new Set(all.filter((s): s is string => typeof s === "string" && s.length >= 8))];
}

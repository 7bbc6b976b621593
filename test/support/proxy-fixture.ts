import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startTestTollgate, type TestTollgate } from "./tollgate.ts";

/** What a fake upstream (or a group of them, see `fakes`) must offer the fixture. */
interface Closable {
  close(): Promise<void>;
}

/** The built-in routes a fake can stand in for (TOLLGATE_UPSTREAM_<NAME>). */
type Route = "OPENAI" | "ANTHROPIC" | "GEMINI" | "MISTRAL";

export interface ProxyFixtureOptions<F extends Closable> {
  /** starts the fake upstream(s) the proxy forwards to */
  fake: () => Promise<F>;
  /** the built-in routes pointed at the fake's URL */
  routes?: Route[];
  /** a tollgate.json (providers, prices) written to a fresh directory and passed as TOLLGATE_CONFIG */
  config?: (fake: F) => unknown;
  /** the server's other environment */
  env?: (fake: F) => Record<string, string>;
  estimatorWorker?: URL;
}

/** The test Tollgate (closed by the fixture), its fake upstream and its config file. */
export interface ProxyFixture<F> extends Omit<TestTollgate, "close"> {
  readonly fake: F;
  /** the TOLLGATE_CONFIG file written from `config` ("" without one) */
  readonly configPath: string;
}

/**
 * The setup every proxy test file shares: before its tests, a fake upstream, a config file when asked for,
 * and the real server on a database of its own; after them, both closed (the server first, so no call is
 * cut by its upstream going away). Register it at the top of the file, before any hook that uses it (before
 * hooks run in order, after hooks in reverse); its members are there from the first test or later hook on.
 */
export function useProxyFixture<F extends Closable & { url?: string }>(options: ProxyFixtureOptions<F>): ProxyFixture<F> {
  let fake: F | undefined;
  let tg: TestTollgate | undefined;
  let configPath = "";
  beforeAll(async () => {
    fake = await options.fake();
    const env: Record<string, string> = {};
    for (const route of options.routes ?? []) env[`TOLLGATE_UPSTREAM_${route}`] = String(fake.url);
    if (options.config) {
      configPath = join(mkdtempSync(join(tmpdir(), "tollgate-config-")), "tollgate.json");
      writeFileSync(configPath, JSON.stringify(options.config(fake)));
      env.TOLLGATE_CONFIG = configPath;
    }
    Object.assign(env, options.env?.(fake));
    tg = await startTestTollgate(env, { estimatorWorker: options.estimatorWorker });
  });
  afterAll(async () => {
    await tg?.close();
    await fake?.close();
  });
  const started = (): TestTollgate => {
    if (!tg) throw new Error("the proxy fixture is not started yet: use it in a test or in a hook registered after it");
    return tg;
  };
  return {
    get fake() {
      if (!fake) throw new Error("the proxy fixture's fake is not started yet");
      return fake;
    },
    get configPath() {
      return configPath;
    },
    get url() {
      return started().url;
    },
    get tollgate() {
      return started().tollgate;
    },
    get db() {
      return started().db;
    },
    calls: () => started().calls(),
  };
}

/** Several fakes started together, as one upstream of the fixture: each under its name, all closed together. */
export async function fakes<T extends Record<string, Closable>>(start: { [K in keyof T]: () => Promise<T[K]> }): Promise<T & Closable> {
  const names = Object.keys(start) as Array<keyof T>;
  const started = await Promise.all(names.map((n) => start[n]()));
  const group = Object.fromEntries(names.map((n, i) => [n, started[i]])) as unknown as T;
  return Object.assign(group, { close: () => Promise.all(started.map((f) => f.close())).then(() => undefined) });
}

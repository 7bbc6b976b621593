import { startFakeServer, type FakeServer } from "../../../support/fake-server.ts";

/** What the fake reports for every completion. */
export const ACME_USAGE = { in: 1000, out: 5 };

/** A fake Acme upstream: refuses calls without its key, answers `/v2/complete` with ACME_USAGE. */
export function startFakeAcme(heldKey: string): Promise<FakeServer> {
  return startFakeServer((req, res, body) => {
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "x-acme-request": `acme-${status}` });
      res.end(JSON.stringify(json));
    };
    if (req.headers["x-acme-key"] !== heldKey) return send(401, { fault: { kind: "unauthorized", detail: "bad key" } });
    if (req.method !== "POST" || req.url !== "/v2/complete") return send(404, { fault: { kind: "not_found", detail: String(req.url) } });
    const json = JSON.parse(body) as { model: string };
    send(200, { id: "cmp_1", model: json.model, text: "hello", usage: ACME_USAGE });
  });
}

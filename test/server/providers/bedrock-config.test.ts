import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../server/src/config.ts";

function configFile(providers: unknown[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "tollgate-bedrock-")), "config.json");
  writeFileSync(path, JSON.stringify({ providers }));
  return path;
}

describe("Bedrock configuration", () => {
  it("the built-in route follows AWS_REGION and holds the AWS_* credentials", () => {
    const config = loadConfig({
      AWS_REGION: "eu-central-1",
      AWS_ACCESS_KEY_ID: "AKIAX",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "session",
    });
    const bedrock = config.providers.get("bedrock")!;
    expect(bedrock).toMatchObject({
      format: "bedrock",
      baseUrl: "https://bedrock-runtime.eu-central-1.amazonaws.com",
      priceProvider: "bedrock",
    });
    expect(bedrock.aws).toEqual({
      region: "eu-central-1",
      credentials: { accessKeyId: "AKIAX", secretAccessKey: "secret", sessionToken: "session" },
    });
    expect(loadConfig({}).providers.get("bedrock")!.aws).toEqual({ region: "us-east-1", credentials: undefined });
  });

  it("a config provider reads its region from a bedrock-runtime baseUrl, or is given one, with its own credential variables", () => {
    const config = loadConfig({
      TOLLGATE_CONFIG: configFile([
        { name: "bedrock-eu", baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com", format: "bedrock" },
        {
          name: "bedrock-vpc",
          baseUrl: "https://vpce-123.bedrock-runtime.us-west-2.vpce.amazonaws.com",
          format: "bedrock",
          region: "us-west-2",
          accessKeyIdEnv: "VPC_KEY_ID",
          secretAccessKeyEnv: "VPC_SECRET",
        },
      ]),
      VPC_KEY_ID: "AKIAVPC",
      VPC_SECRET: "vpc-secret",
    });
    expect(config.providers.get("bedrock-eu")!.aws).toEqual({ region: "eu-west-1", credentials: undefined });
    expect(config.providers.get("bedrock-vpc")!.aws).toEqual({
      region: "us-west-2",
      credentials: { accessKeyId: "AKIAVPC", secretAccessKey: "vpc-secret" },
    });
  });

  it("refuses a bedrock provider whose region cannot be known", () => {
    expect(() =>
      loadConfig({ TOLLGATE_CONFIG: configFile([{ name: "br", baseUrl: "https://proxy.example.com", format: "bedrock" }]) }),
    ).toThrow(/needs a region/);
  });
});

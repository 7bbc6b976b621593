import { z } from "zod";
import { priceInputSchema } from "../pricing/price-row.ts";
import { feePriceInputSchema } from "../pricing/fee-price-row.ts";
import { configFormats } from "../providers/index.ts";

/** TOLLGATE_CONFIG's file (JSON or YAML): providers, prices, fee prices, budgets, notifications. */
export const upstreamUrl = z.url({ protocol: /^https?$/ });

export const fileSchema = z.object({
  providers: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _"),
        baseUrl: upstreamUrl,
        // the registry's formats, looked up when the file is read (providers/index.ts)
        format: z
          .string()
          .default("openai")
          .refine((f) => configFormats().includes(f), {
            error: (issue) => `unknown wire format ${JSON.stringify(issue.input)} (known: ${configFormats().join(", ")})`,
          }),
        priceProvider: z.string().min(1).optional(),
        apiKeyEnv: z.string().min(1).optional(),
        /** bedrock: the signing region (default: read from a bedrock-runtime.{region}.amazonaws.com baseUrl) */
        region: z
          .string()
          .regex(/^[a-z0-9-]+$/)
          .optional(),
        /** bedrock: the variables holding the AWS credentials (default AWS_ACCESS_KEY_ID, …) */
        accessKeyIdEnv: z.string().min(1).optional(),
        secretAccessKeyEnv: z.string().min(1).optional(),
        sessionTokenEnv: z.string().min(1).optional(),
        /** Vertex AI: a service account key file (JSON) to mint access tokens from for virtual-key calls */
        serviceAccountFile: z.string().min(1).optional(),
        /** …or the variable holding that key's JSON inline */
        serviceAccountEnv: z.string().min(1).optional(),
      }),
    )
    .default([]),
  prices: z.array(priceInputSchema).default([]),
  /** per-request and tool fee prices (pricing/fee-price-row.ts), validated when seeded */
  feePrices: z.array(feePriceInputSchema).default([]),
  budgets: z.array(z.record(z.string(), z.unknown())).default([]),
  /** budget notifications: `{webhooks: [{name, url, format}]}`, validated by access/budget-webhooks.ts */
  notifications: z.object({ webhooks: z.array(z.record(z.string(), z.unknown())).default([]) }).default({ webhooks: [] }),
});

export type ConfigFile = z.infer<typeof fileSchema>;

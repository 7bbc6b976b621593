import type { ServiceAccount } from "./service-account.ts";

// A provider as configured (built-in or from TOLLGATE_CONFIG): what the proxy, the adapters and the meters
// need to know about it. config/ builds these; the providers only read them.

/** Where a SigV4-signed provider (Bedrock) is, and the AWS credentials Tollgate signs with; never logged. */
export interface AwsSettings {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
}

/** A configured provider. */
export interface ProviderConfig {
  name: string;
  baseUrl: string;
  /** the wire format, i.e. which adapter meters it */
  format: string;
  /** provider name used to look up prices (defaults to name) */
  priceProvider: string;
  /** the provider key Tollgate holds for virtual-key calls */
  apiKey: string | undefined;
  /** the variable the held key comes from, named when it is missing */
  apiKeyEnv?: string;
  /** for SigV4 formats (bedrock): the signing region and the credentials held for virtual-key calls */
  aws?: AwsSettings;
  /**
   * Vertex AI: the service account virtual-key calls are authorised with (an OAuth access token minted from
   * it, `Authorization: Bearer …`) instead of an API key
   */
  serviceAccount?: ServiceAccount;
}

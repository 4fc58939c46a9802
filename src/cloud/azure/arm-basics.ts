import type { TokenCredential } from "@azure/identity";
import type { AzureSettings } from "./settings.js";
import { userError } from "../../errors.js";

export interface ArmBasics {
  readonly subscriptionId: string;
  readonly credential: TokenCredential;
  readonly scope: string;
  /** The options every ARM client is made with: where, which token scope, how it retries. */
  readonly clientOptions: {
    endpoint: string;
    credentials: { scopes: string[] };
    retryOptions: typeof ARM_RETRY_OPTIONS;
  };
}

/** What every ARM client needs: the subscription (required), the credential and the scope. */
export async function armBasics(settings: AzureSettings): Promise<ArmBasics> {
  const subscriptionId = settings.subscriptionId;
  if (!subscriptionId) {
    throw userError(
      "AZURE_NO_SUBSCRIPTION",
      "azure.subscriptionId is not set",
      "set azure.subscriptionId in the config, AZURE_SUBSCRIPTION_ID, or --subscription",
    );
  }
  const scope = `${settings.endpoints.armAudience}/.default`;
  return {
    subscriptionId,
    credential: await settings.credential(),
    scope,
    clientOptions: {
      endpoint: settings.endpoints.resourceManager,
      credentials: { scopes: [scope] },
      retryOptions: ARM_RETRY_OPTIONS,
    },
  };
}

/**
 * Options of a long-running write: the poller waits this long only when a poll carries no
 * Retry-After (Azure's polls do, and the SDK honours them).
 */
export const LRO_OPTIONS = { updateIntervalInMs: 1000 } as const;

/**
 * Every ARM client's retries. The SDK's default of 3 is spent by one unlucky burst of throttling
 * (ARM answers 429 per subscription and per tenant, with Retry-After, which is always honoured): a
 * deployment makes about a hundred calls, so a run would fail though every single call would have
 * gone through. Without a Retry-After the back-off stays short, so an endpoint that refuses
 * connections still fails within about 20 s rather than two minutes.
 */
export const ARM_RETRY_OPTIONS = { maxRetries: 7, retryDelayInMs: 500, maxRetryDelayInMs: 4000 } as const;

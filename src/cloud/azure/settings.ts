import type { TokenCredential } from "@azure/identity";
import type { AzureCloudEndpoints } from "./clouds.js";
import { sharedTokens } from "./shared-token.js";

/** How every Azure client is built: one credential, one set of endpoints. */
export interface AzureSettings {
  readonly endpoints: AzureCloudEndpoints;
  readonly subscriptionId?: string | undefined;
  /** Created on first use; the credential import is not free. */
  credential(): Promise<TokenCredential>;
}

export interface SignInInput {
  readonly endpoints: AzureCloudEndpoints;
  /** Sandbox: a service principal with a secret. Otherwise DefaultAzureCredential. */
  readonly servicePrincipal?: { tenantId: string; clientId: string; clientSecret: string };
  readonly tenantId?: string | undefined;
  readonly subscriptionId?: string | undefined;
}

export function azureSettings(input: SignInInput): AzureSettings {
  let credential: Promise<TokenCredential> | undefined;
  return {
    endpoints: input.endpoints,
    subscriptionId: input.subscriptionId,
    credential() {
      credential ??= (async () => {
        const identity = await import("@azure/identity");
        const sp = input.servicePrincipal;
        if (sp) {
          return sharedTokens(
            new identity.ClientSecretCredential(sp.tenantId, sp.clientId, sp.clientSecret, {
              authorityHost: input.endpoints.authorityHost,
              // Otherwise MSAL asks login.microsoftonline.com about the authority first.
              disableInstanceDiscovery: true,
            }),
          );
        }
        return sharedTokens(
          new identity.DefaultAzureCredential({
            authorityHost: input.endpoints.authorityHost,
            ...(input.tenantId ? { tenantId: input.tenantId } : {}),
          }),
        );
      })();
      return credential;
    },
  };
}

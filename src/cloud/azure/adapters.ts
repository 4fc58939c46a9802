import { decodeJwt } from "jose";
import type { AzureSettings } from "./settings.js";
import type { AzureResourcesPort, AzureSignInPort, ResourceGroup, UserAssignedIdentity } from "./ports.js";
import { BridgeError, cloudError, userError } from "../../errors.js";

/** SDK adapters for the Azure ports: the only place the Azure SDKs are imported (lazily). */
export function createSignInPort(settings: AzureSettings): AzureSignInPort {
  return {
    async tenantId() {
      const credential = await settings.credential();
      let token: string;
      try {
        const result = await credential.getToken(`${settings.endpoints.armAudience}/.default`);
        if (!result) throw new Error("the credential returned no token");
        token = result.token;
      } catch (err) {
        const reason = await diagnoseSignIn(settings.endpoints.authorityHost, err);
        throw new BridgeError(`cannot sign in to Azure to find the tenant: ${reason}`, {
          code: "AZURE_SIGN_IN_FAILED",
          fault: "user",
          exitCode: 1,
          cause: err,
          hint: "sign in (`az login`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), or set azure.tenantId in the config",
        });
      }
      const tid = decodeJwt(token).tid;
      if (typeof tid !== "string")
        throw userError("AZURE_NO_TENANT", "the Azure token carries no tid claim", "set azure.tenantId in the config");
      return tid;
    },
  };
}

export async function createResourcesPort(settings: AzureSettings): Promise<AzureResourcesPort> {
  const subscriptionId = settings.subscriptionId;
  if (!subscriptionId) {
    throw userError(
      "AZURE_NO_SUBSCRIPTION",
      "azure.subscriptionId is not set",
      "set azure.subscriptionId in the config, AZURE_SUBSCRIPTION_ID, or --subscription",
    );
  }
  const [{ ResourceManagementClient }, { ManagedServiceIdentityClient }, credential] = await Promise.all([
    import("@azure/arm-resources"),
    import("@azure/arm-msi"),
    settings.credential(),
  ]);
  const scope = `${settings.endpoints.armAudience}/.default`;
  const resources = new ResourceManagementClient(credential, subscriptionId, {
    endpoint: settings.endpoints.resourceManager,
    credentials: { scopes: [scope] },
  });
  const msi = new ManagedServiceIdentityClient(credential, subscriptionId, {
    endpoint: settings.endpoints.resourceManager,
    credentialScopes: [scope],
  });

  const toGroup = (g: {
    id?: string;
    name?: string;
    location: string;
    tags?: Record<string, string>;
  }): ResourceGroup => ({
    id: g.id ?? "",
    name: g.name ?? "",
    location: g.location,
    tags: g.tags ?? {},
  });
  const toIdentity = (i: {
    id?: string;
    name?: string;
    location: string;
    tags?: Record<string, string>;
    principalId?: string;
    clientId?: string;
    tenantId?: string;
  }): UserAssignedIdentity => ({
    id: i.id ?? "",
    name: i.name ?? "",
    location: i.location,
    principalId: i.principalId ?? "",
    clientId: i.clientId ?? "",
    tenantId: i.tenantId ?? "",
    tags: i.tags ?? {},
  });

  return {
    async getResourceGroup(name) {
      const group = await findable(`ARM get resource group ${name}`, () => resources.resourceGroups.get(name));
      return group && toGroup(group);
    },
    async createResourceGroup(name, location, tags) {
      return toGroup(
        await call(`ARM create resource group ${name}`, () =>
          resources.resourceGroups.createOrUpdate(name, { location, tags: { ...tags } }),
        ),
      );
    },
    async getIdentity(resourceGroup, name) {
      const identity = await findable(`ARM get managed identity ${name}`, () =>
        msi.userAssignedIdentities.get(resourceGroup, name),
      );
      return identity && toIdentity(identity);
    },
    async createIdentity(resourceGroup, name, location, tags) {
      return toIdentity(
        await call(`ARM create managed identity ${name}`, () =>
          msi.userAssignedIdentities.createOrUpdate(resourceGroup, name, { location, tags: { ...tags } }),
        ),
      );
    },
  };
}

/**
 * MSAL reports any network or TLS failure at the authority as a bare "endpoints_resolution_error".
 * Fetching the authority's metadata ourselves recovers the real cause (refused, certificate, proxy).
 */
async function diagnoseSignIn(authorityHost: string, err: unknown): Promise<string> {
  const first = err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err);
  if (!first.includes("endpoints_resolution_error")) return first;
  const url = `${authorityHost}/common/v2.0/.well-known/openid-configuration`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return `${first} (${url} answers HTTP ${response.status})`;
  } catch (probe) {
    const cause = (probe as { cause?: { code?: string; message?: string } }).cause;
    return `the sign-in host cannot be reached: ${url}: ${cause?.code ?? ""}${cause?.message ? ` ${cause.message}` : ""}`.trim();
  }
}

async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw cloudError(action, err);
  }
}

async function findable<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    const code = (err as { code?: string }).code;
    // Only the resource itself being absent is data; SubscriptionNotFound and the like are errors.
    if (
      status === 404 &&
      (code === undefined || code === "ResourceGroupNotFound" || code === "ResourceNotFound" || code === "NotFound")
    )
      return undefined;
    throw cloudError(action, err);
  }
}

import type { AzureSettings } from "./settings.js";
import type { IdentityPort, ResourceGroup, ResourceGroupPort, UserAssignedIdentity } from "./ports.js";
import { call, findable } from "./arm-call.js";
import { ARM_RETRY_OPTIONS, armBasics } from "./arm-basics.js";

/** Resource groups over @azure/arm-resources (imported lazily, here only). */
export async function createResourceGroupPort(settings: AzureSettings): Promise<ResourceGroupPort> {
  const [{ ResourceManagementClient }, basics] = await Promise.all([
    import("@azure/arm-resources"),
    armBasics(settings),
  ]);
  const resources = new ResourceManagementClient(basics.credential, basics.subscriptionId, basics.clientOptions);
  const toGroup = (g: {
    id?: string | undefined;
    name?: string | undefined;
    location: string;
    tags?: Record<string, string> | undefined;
  }): ResourceGroup => ({ id: g.id ?? "", name: g.name ?? "", location: g.location, tags: g.tags ?? {} });
  return {
    async get(name) {
      const group = await findable(`ARM get resource group ${name}`, () => resources.resourceGroups.get(name));
      return group && toGroup(group);
    },
    async create(name, location, tags) {
      return toGroup(
        await call(`ARM create resource group ${name}`, () =>
          resources.resourceGroups.createOrUpdate(name, { location, tags: { ...tags } }),
        ),
      );
    },
  };
}

/** User-assigned identities over @azure/arm-msi (imported lazily, here only). */
export async function createIdentityPort(settings: AzureSettings): Promise<IdentityPort> {
  const [{ ManagedServiceIdentityClient }, basics] = await Promise.all([import("@azure/arm-msi"), armBasics(settings)]);
  const msi = new ManagedServiceIdentityClient(basics.credential, basics.subscriptionId, {
    endpoint: settings.endpoints.resourceManager,
    credentialScopes: [basics.scope],
    retryOptions: ARM_RETRY_OPTIONS,
  });
  const toIdentity = (i: {
    id?: string | undefined;
    name?: string | undefined;
    location: string;
    tags?: Record<string, string> | undefined;
    principalId?: string | undefined;
    clientId?: string | undefined;
    tenantId?: string | undefined;
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
    async get(resourceGroup, name) {
      const identity = await findable(`ARM get managed identity ${name}`, () =>
        msi.userAssignedIdentities.get(resourceGroup, name),
      );
      return identity && toIdentity(identity);
    },
    async create(resourceGroup, name, location, tags) {
      return toIdentity(
        await call(`ARM create managed identity ${name}`, () =>
          msi.userAssignedIdentities.createOrUpdate(resourceGroup, name, { location, tags: { ...tags } }),
        ),
      );
    },
  };
}

import type { AzureSettings } from "./settings.js";
import type { ArmResource, ArmResourcePort } from "./ports.js";
import { findable } from "./arm-call.js";
import { armBasics, LRO_OPTIONS } from "./arm-basics.js";

/** Resources by id over @azure/arm-resources (imported lazily, here only). */
export async function createArmResourcePort(settings: AzureSettings): Promise<ArmResourcePort> {
  const [{ ResourceManagementClient }, basics] = await Promise.all([
    import("@azure/arm-resources"),
    armBasics(settings),
  ]);
  const client = new ResourceManagementClient(basics.credential, basics.subscriptionId, basics.clientOptions);
  const toResource = (r: {
    id?: string | undefined;
    type?: string | undefined;
    tags?: Record<string, string> | undefined;
    properties?: Record<string, unknown> | undefined;
  }): ArmResource => ({ id: r.id ?? "", type: r.type ?? "", tags: r.tags ?? {}, properties: r.properties ?? {} });
  const name = (id: string) => id.split("/").slice(-2).join(" ");
  return {
    async get(id, apiVersion) {
      const found = await findable(`ARM get ${name(id)}`, () => client.resources.getById(id, apiVersion));
      return found && toResource(found);
    },
    async delete(id, apiVersion) {
      // A 204 (already gone) ends the operation at once; a 404 on the way is gone too.
      await findable(`ARM delete ${name(id)}`, () => client.resources.deleteById(id, apiVersion, LRO_OPTIONS));
    },
    async listGroup(group) {
      return findable(`ARM list resources of group ${group}`, async () => {
        const all: ArmResource[] = [];
        for await (const r of client.resources.listByResourceGroup(group)) all.push(toResource(r));
        return all;
      });
    },
    async deleteGroup(group) {
      await findable(`ARM delete resource group ${group}`, () => client.resourceGroups.delete(group, LRO_OPTIONS));
    },
  };
}

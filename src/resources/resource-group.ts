import type { ResourceGroup } from "../cloud/azure/ports.js";
import type { ResourceNode } from "../engine/node.js";
import { adoptReason, ownershipOf } from "./tags.js";
import { createWithIntent, recordCreated } from "./intent.js";

const KIND = "azure-resource-group";

export interface ResourceGroupOutputs {
  readonly name: string;
}

/** The Azure resource group that holds the identity (and later the VM and its network). */
export const resourceGroup: ResourceNode<ResourceGroup | undefined, ResourceGroupOutputs> = {
  id: "resource-group",
  layer: "identity",
  needs: [],

  async lookup({ config, ports }) {
    return (await ports.resourceGroups()).get(config.azure.resourceGroup);
  },

  plan(group, { config, state }) {
    const { resourceGroup: name, location } = config.azure;
    const resource = `resource group ${name}`;
    const outputs = { name };
    const record = (id: string, createdByUs: boolean) =>
      ({
        kind: KIND,
        layer: "identity",
        node: "resource-group",
        id,
        createdByUs,
        status: "ready",
        attributes: { name, location },
      }) as const;
    if (!group) {
      return {
        outputs,
        steps: [
          {
            kind: "create",
            resource,
            reason: `not found in ${location}`,
            async apply({ ports, store, tags }) {
              const expectedId = `/subscriptions/${config.azure.subscriptionId ?? ""}/resourceGroups/${name}`;
              const groups = await ports.resourceGroups();
              const intent = {
                kind: KIND,
                layer: "identity",
                node: "resource-group",
                id: expectedId,
                attributes: { name, location },
              } as const;
              const created = await createWithIntent(store, intent, () => groups.create(name, location, tags));
              await recordCreated(store, expectedId, record(created.id, true));
              return undefined;
            },
          },
        ],
      };
    }
    const owner = ownershipOf(state.find(KIND, group.id), group.tags, state.deploymentId);
    if (owner.how === "recorded")
      return { outputs, steps: [{ kind: "unchanged", resource, reason: "exists as recorded" }] };
    return {
      outputs,
      steps: [
        {
          kind: "adopt",
          resource,
          reason: adoptReason(owner),
          async apply({ store }) {
            await store.put(record(group.id, owner.createdByUs));
            return undefined;
          },
        },
      ],
    };
  },

  fromState(state) {
    const record = state.records(KIND, "identity").find((r) => r.status === "ready");
    return record ? { name: record.attributes.name } : undefined;
  },
};

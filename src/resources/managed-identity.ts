import type { UserAssignedIdentity } from "../cloud/azure/ports.js";
import type { ResourceNode } from "../engine/node.js";
import { later, type PlannedRecord } from "../engine/known-after-apply.js";
import { resourceGroup } from "./resource-group.js";
import { adoptReason, ownershipOf } from "./tags.js";
import { createWithIntent, recordCreated } from "./intent.js";

const KIND = "azure-user-assigned-identity";

export interface IdentityOutputs {
  readonly id: string;
  readonly name: string;
  readonly principalId: string;
  readonly clientId: string;
  readonly tenantId: string;
}

/** The user-assigned managed identity the VM carries; its principal id is the token's `sub`. */
export const managedIdentity: ResourceNode<UserAssignedIdentity | undefined, IdentityOutputs> = {
  id: "managed-identity",
  layer: "identity",
  needs: [resourceGroup.id],

  async lookup({ config, ports }) {
    return (await ports.identities()).get(config.azure.resourceGroup, config.azure.identityName);
  },

  plan(identity, { config, state, input }) {
    // The group must exist first; its name comes from the config.
    void input(resourceGroup);
    const { identityName: name, location } = config.azure;
    const resource = `managed identity ${name}`;
    const record = (found: UserAssignedIdentity, createdByUs: boolean) =>
      ({
        kind: KIND,
        layer: "identity",
        node: "managed-identity",
        id: found.id,
        createdByUs,
        status: "ready",
        attributes: {
          name: found.name,
          resourceGroup: config.azure.resourceGroup,
          principalId: found.principalId,
          clientId: found.clientId,
          tenantId: found.tenantId,
        },
      }) as const;
    if (!identity) {
      const outputs: PlannedRecord<IdentityOutputs> = {
        id: later("identity id"),
        name,
        principalId: later("principal id"),
        clientId: later("client id"),
        tenantId: later("tenant id"),
      };
      return {
        outputs,
        steps: [
          {
            kind: "create",
            resource,
            reason: `not found in resource group ${config.azure.resourceGroup}`,
            async apply({ ports, store, tags }) {
              const expectedId = `/subscriptions/${config.azure.subscriptionId ?? ""}/resourceGroups/${config.azure.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
              const identities = await ports.identities();
              const intent = {
                kind: KIND,
                layer: "identity",
                node: "managed-identity",
                id: expectedId,
                attributes: { name, resourceGroup: config.azure.resourceGroup },
              } as const;
              const created = await createWithIntent(store, intent, () =>
                identities.create(config.azure.resourceGroup, name, location, tags),
              );
              await recordCreated(store, expectedId, record(created, true));
              return outputsOf(created);
            },
          },
        ],
      };
    }
    const outputs = outputsOf(identity);
    const owner = ownershipOf(state.find(KIND, identity.id), identity.tags, state.deploymentId);
    const recorded = state.find(KIND, identity.id);
    // The principal id is what the role trusts: a record that no longer matches is refreshed.
    if (owner.how === "recorded" && recorded?.attributes.principalId === identity.principalId) {
      return { outputs, steps: [{ kind: "unchanged", resource, reason: "exists as recorded" }] };
    }
    return {
      outputs,
      steps: [
        {
          kind: owner.how === "recorded" ? "update" : "adopt",
          resource,
          reason:
            owner.how === "recorded"
              ? `its principal id is now ${identity.principalId} (the identity was replaced): recorded`
              : adoptReason(owner),
          async apply({ store }) {
            await store.put(record(identity, owner.createdByUs));
            return undefined;
          },
        },
      ],
    };
  },

  fromState(state) {
    const record = state.records(KIND, "identity").find((r) => r.status === "ready");
    const a = record?.attributes;
    if (!record || !a?.principalId || !a.clientId || !a.tenantId) return undefined;
    return { id: record.id, name: a.name, principalId: a.principalId, clientId: a.clientId, tenantId: a.tenantId };
  },
};

function outputsOf(identity: UserAssignedIdentity): IdentityOutputs {
  return {
    id: identity.id,
    name: identity.name,
    principalId: identity.principalId,
    clientId: identity.clientId,
    tenantId: identity.tenantId,
  };
}

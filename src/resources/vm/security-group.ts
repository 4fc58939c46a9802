import type { Tags } from "../../cloud/azure/ports.js";
import type { SecurityGroup, SecurityRule } from "../../cloud/azure/vm-ports.js";
import type { Config } from "../../config/schema.js";
import type { ApplyContext, ResourceNode, Step } from "../../engine/node.js";
import { later } from "../../engine/known-after-apply.js";
import { createWithIntent, recordCreated, type Intent } from "../intent.js";
import { resourceGroup } from "../resource-group.js";
import { adoptReason, ownershipOf } from "../tags.js";
import { armId } from "./arm-ids.js";
import { vmLayerRecord } from "./azure-node.js";
import { describe, planRules, sshRule } from "./nsg-rules.js";

const KIND = "azure-network-security-group";
const ID = "network-security-group";

export interface NsgObserved {
  readonly group: SecurityGroup | undefined;
  readonly adminCidrs: readonly string[];
}

export interface NsgOutputs {
  readonly id: string;
}

const attributes = (c: Config) => ({ name: c.azure.network.nsgName, resourceGroup: c.azure.resourceGroup });

/** A PUT replaces the whole group: tags go back as they were (a group someone else made keeps theirs). */
async function write(ctx: ApplyContext, rules: readonly SecurityRule[], tags: Tags): Promise<SecurityGroup> {
  const { network, resourceGroup: rg, location } = ctx.config.azure;
  return (await ctx.ports.network()).putNsg(rg, network.nsgName, location, rules, tags);
}

/**
 * The network security group on the VM's NIC. Its only inbound allow rule is ours: TCP 22 from the
 * admin CIDRs. Rules someone added by hand are reported as warnings and kept.
 */
export const securityGroup: ResourceNode<NsgObserved, NsgOutputs> = {
  id: ID,
  layer: "vm",
  needs: [resourceGroup.id],

  async lookup({ config, ports, facts, reporter }) {
    const [group, adminCidrs] = await Promise.all([
      ports.network().then((n) => n.getNsg(config.azure.resourceGroup, config.azure.network.nsgName)),
      facts.adminCidrs(),
    ]);
    for (const rule of group ? planRules(group.rules, adminCidrs).foreign : [])
      reporter.warn(
        `network security group ${config.azure.network.nsgName}: rule ${rule.name} (priority ${rule.priority}) also lets traffic in: ${describe(rule)}. oidc-bridge did not make it and leaves it; remove it if you did not mean it`,
        { node: ID },
      );
    return { group, adminCidrs };
  },

  plan({ group, adminCidrs }, { config, state }) {
    const resource = `network security group ${config.azure.network.nsgName}`;
    if (!group) {
      const step: Step<NsgOutputs> = {
        kind: "create",
        resource,
        reason: `not found; one inbound allow rule: ${describe(sshRule(adminCidrs))}`,
        async apply(ctx) {
          const expectedId = armId(config, "Microsoft.Network/networkSecurityGroups", config.azure.network.nsgName);
          const intent: Intent = { kind: KIND, layer: "vm", node: ID, id: expectedId, attributes: attributes(config) };
          const created = await createWithIntent(ctx.store, intent, () => write(ctx, [sshRule(adminCidrs)], ctx.tags));
          await recordCreated(ctx.store, expectedId, vmLayerRecord(KIND, ID, created.id, true, attributes(config)));
          return { id: created.id };
        },
      };
      return { outputs: { id: later("network security group id") }, steps: [step] };
    }
    const owner = ownershipOf(state.find(KIND, group.id), group.tags, state.deploymentId);
    const rules = planRules(group.rules, adminCidrs);
    const kept = rules.foreign.length ? `; kept ${rules.foreign.length} rule(s) added by hand (see warnings)` : "";
    const steps: Step<NsgOutputs>[] = [];
    if (owner.how !== "recorded")
      steps.push({
        kind: "adopt",
        resource,
        reason: adoptReason(owner),
        async apply({ store }) {
          await store.put(vmLayerRecord(KIND, ID, group.id, owner.createdByUs, attributes(config)));
          return undefined;
        },
      });
    const wanted = rules.write;
    if (wanted)
      steps.push({
        kind: "update",
        resource,
        reason: `${rules.why ?? ""}${kept}`,
        async apply(ctx) {
          await write(ctx, wanted, group.tags);
          return undefined;
        },
      });
    if (!steps.length) steps.push({ kind: "unchanged", resource, reason: `exists as recorded${kept}` });
    return { outputs: { id: group.id }, steps };
  },

  fromState(state) {
    const record = state.records(KIND, "vm").find((r) => r.status === "ready");
    return record ? { id: record.id } : undefined;
  },
};

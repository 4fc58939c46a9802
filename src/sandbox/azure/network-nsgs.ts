import { randomUUID } from "node:crypto";
import { ok } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import { resourceTable } from "./arm-tracked.js";
import { NETWORK_API_VERSIONS, NSG_TYPE, nsgUsers, objectAt, supersededByNewer, weakEtag } from "./network-common.js";
import {
  DEFAULT_SECURITY_RULES,
  parseSecurityRules,
  ruleProperties,
  type SecurityRule,
} from "./network-security-rules.js";

/**
 * Microsoft.Network/networkSecurityGroups (fixtures nsg-create.json, nsg-create-with-rule.json):
 * the caller's rules, checked, plus the six default rules every NSG has; associations with NICs
 * and subnets show in `networkInterfaces` and `subnets`, and an NSG in use cannot be deleted.
 */

interface NsgData {
  resourceGuid: string;
  securityRules: SecurityRule[];
  /** Per rule name: changes when the rule does. */
  ruleEtags: Record<string, string>;
}

export const networkSecurityGroupsTable = resourceTable<NsgData, SecurityRule[]>({
  type: NSG_TYPE,
  apiVersions: NETWORK_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  operations: {
    put: "NetworkSecurityGroups_CreateOrUpdate",
    get: "NetworkSecurityGroups_Get",
    patch: "NetworkSecurityGroups_UpdateTags",
    delete: "NetworkSecurityGroups_Delete",
    listByParent: "NetworkSecurityGroups_List",
    listBySubscription: "NetworkSecurityGroups_ListAll",
  },
  lro: { put: "azure-async", delete: "azure-async", pendingState: "Updating", retryAfterSeconds: 10 },
  tracked: true,

  parse: (_name, body, req, id) => parseSecurityRules(objectAt(body.properties).securityRules, id, req),
  build: (rules, { existing }) => {
    const ruleEtags: Record<string, string> = {};
    for (const rule of rules) {
      const before = existing?.data.securityRules.find((r) => r.name === rule.name);
      const same = before !== undefined && JSON.stringify(before) === JSON.stringify(rule);
      ruleEtags[rule.name] = same ? (existing?.data.ruleEtags[rule.name] ?? randomUUID()) : randomUUID();
    }
    return ok({ resourceGuid: existing?.data.resourceGuid ?? randomUUID(), securityRules: rules, ruleEtags });
  },
  view: (nsg, state) => {
    const users = nsgUsers(state, nsg.id);
    const provisioning = nsg.provisioningState;
    return {
      name: nsg.name,
      id: nsg.id,
      etag: weakEtag(nsg),
      type: NSG_TYPE,
      location: nsg.location,
      ...(nsg.tags ? { tags: nsg.tags } : {}),
      properties: {
        provisioningState: provisioning,
        resourceGuid: nsg.data.resourceGuid,
        flushConnection: false,
        securityRules: nsg.data.securityRules.map((rule) => ({
          name: rule.name,
          id: `${nsg.id}/securityRules/${rule.name}`,
          etag: `W/"${nsg.data.ruleEtags[rule.name] ?? nsg.etag}"`,
          type: `${NSG_TYPE}/securityRules`,
          properties: ruleProperties(rule, provisioning),
        })),
        defaultSecurityRules: DEFAULT_SECURITY_RULES.map((rule) => ({
          name: rule.name,
          id: `${nsg.id}/defaultSecurityRules/${rule.name}`,
          etag: weakEtag(nsg),
          type: `${NSG_TYPE}/defaultSecurityRules`,
          properties: ruleProperties(rule, "Succeeded"),
        })),
        ...(users.nics.length > 0 ? { networkInterfaces: users.nics.map((id) => ({ id })) } : {}),
        ...(users.subnets.length > 0 ? { subnets: users.subnets.map((id) => ({ id })) } : {}),
      },
    };
  },
  refuseDelete: (nsg, state, req) => {
    const users = nsgUsers(state, nsg.id);
    const all = [...users.nics, ...users.subnets];
    if (all.length === 0) return null;
    return armError(
      400,
      "InUseNetworkSecurityGroupCannotBeDeleted",
      `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ` +
        `${all.join(", ")}. In order to delete the Network security group, remove the association with the ` +
        "resource(s). To learn how to do this, see aka.ms/deletensg.",
      req.operation,
      { details: [] },
    );
  },
  preempted: supersededByNewer,
});

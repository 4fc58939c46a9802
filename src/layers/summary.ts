import type { LayerName } from "../state/schema.js";
import type { NodeId } from "../engine/node.js";

type Outputs = ReadonlyMap<NodeId, Record<string, unknown>>;

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * What a finished layer says about itself: one line for the state file and the terminal, and the
 * data `--json` consumers want.
 */
export function layerSummary(layer: LayerName, outputs: Outputs): { line: string; data: Record<string, unknown> } {
  switch (layer) {
    case "trust": {
      const p = outputs.get("oidc-provider") ?? {};
      return {
        line: `provider ${text(p.providerArn)}`,
        data: { providerArn: p.providerArn, issuer: p.issuer, tenantId: p.tenantId },
      };
    }
    case "identity": {
      const role = outputs.get("iam-role") ?? {};
      const identity = outputs.get("managed-identity") ?? {};
      return {
        line: `role ${text(role.arn)} for principal ${text(identity.principalId)}`,
        data: {
          roleArn: role.arn,
          identityId: identity.id,
          principalId: identity.principalId,
          clientId: identity.clientId,
        },
      };
    }
    case "vm": {
      const vm = outputs.get("virtual-machine") ?? {};
      const ready = outputs.get("vm-ready") ?? {};
      const ip = outputs.get("public-ip") ?? {};
      return {
        line: `VM ${text(vm.name)} ${text(vm.adminUsername)}@${text(ip.ipAddress)} (host key ${text(ready.hostKeyFingerprint)})`,
        data: {
          vmId: vm.vmId,
          publicIp: ip.ipAddress,
          privateIp: outputs.get("network-interface")?.privateIp,
          adminUsername: vm.adminUsername,
          keyPath: outputs.get("ssh-key")?.keyPath,
          hostKeyFingerprint: ready.hostKeyFingerprint,
        },
      };
    }
    case "configure": {
      const setup = outputs.get("vm-setup") ?? {};
      return {
        line: `AWS profile ${text(setup.profile)} on the VM assumes the role with the token in ${text(setup.tokenFile)}`,
        data: { awsProfile: setup.profile, tokenFile: setup.tokenFile },
      };
    }
  }
}

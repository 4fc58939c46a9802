import { armDestroyer } from "./arm-resource.js";
import { ADOPTED_REASON, leave } from "../destroyer.js";

/** Microsoft.Compute at the api-version @azure/arm-compute 25 sends. */
const COMPUTE_API = "2026-04-01";

/** The SSH public key resource; the private half in the state folder goes once it is gone. */
export const sshKeyDestroyer = armDestroyer({
  kind: "azure-ssh-public-key",
  apiVersion: COMPUTE_API,
  uses: [],
  label: (r) => `SSH public key ${r.attributes.name}`,
  localFiles: (r) => [r.attributes.keyPath],
});

const vm = armDestroyer({
  kind: "azure-virtual-machine",
  apiVersion: COMPUTE_API,
  uses: ["azure-network-interface", "azure-public-ip", "azure-ssh-public-key", "azure-user-assigned-identity"],
  label: (r) => `virtual machine ${r.attributes.name}`,
  drift: (record, resource) =>
    record.attributes.vmId !== undefined && resource.properties.vmId !== record.attributes.vmId
      ? [`vmId is ${String(resource.properties.vmId)}, recorded ${record.attributes.vmId} (recreated?)`]
      : [],
});

/**
 * The VM (delete: 202, then polled to the end). On someone else's VM we only attached our
 * identity; taking that back is not built yet, so it is said plainly instead of done silently.
 */
export const vmDestroyer: typeof vm = {
  ...vm,
  plan(record, resource, ctx) {
    if (resource && !record.createdByUs && record.attributes.identityAttached) {
      return [
        leave(
          vm.label(record),
          `${ADOPTED_REASON}; our identity is still attached to it: remove it in the portal or with \`az vm identity remove\``,
        ),
      ];
    }
    return vm.plan(record, resource, ctx);
  },
};

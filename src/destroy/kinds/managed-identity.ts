import { armDestroyer } from "./arm-resource.js";

/** The VM's user-assigned identity (Microsoft.ManagedIdentity, as @azure/arm-msi 2 calls it). */
export const identityDestroyer = armDestroyer({
  kind: "azure-user-assigned-identity",
  apiVersion: "2024-11-30",
  uses: [],
  label: (record) => `managed identity ${record.attributes.name}`,
  drift(record, resource) {
    const now = resource.properties.principalId;
    const recorded = record.attributes.principalId;
    return recorded !== undefined && now !== recorded
      ? [`principal id is ${String(now)}, recorded ${recorded}: the role trusts the old one (replaced?)`]
      : [];
  },
});

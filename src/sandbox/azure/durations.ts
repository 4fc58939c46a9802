import type { ServiceContext } from "../harness/types.js";
import { SANDBOX_ENV } from "../constants.js";

/**
 * How long Azure takes. `AZURE_LATENCY_MS` is the time a synchronous answer (or the first answer
 * of a long-running operation) takes in the realistic profile; `LRO_DURATION_MS` how long a
 * long-running operation then runs, as a range the sandbox draws from. Figures from public
 * measurements (resource group 1–2 s, identity 1–3 s, public IP and NSG 2–6 s, VNet 4–18 s,
 * subnet 3–13 s, NIC 2–12 s, VM 45–60 s); the deletions' ranges are the sandbox's own choice.
 */
export const AZURE_LATENCY_MS: Readonly<Record<string, number>> = {
  OpenIdConfigurationV1: 80,
  OpenIdConfigurationV2: 80,
  DiscoveryKeys: 60,
  DiscoveryKeysV2: 60,
  Token: 250,
  TokenV1: 250,
  ResourceGroups_CreateOrUpdate: 1500,
  ResourceGroups_Get: 120,
  ResourceGroups_CheckExistence: 100,
  ResourceGroups_Update: 1000,
  ResourceGroups_List: 200,
  ResourceGroups_Delete: 300,
  Resources_ListByResourceGroup: 250,
  Resources_CheckExistenceById: 100,
  UserAssignedIdentities_CreateOrUpdate: 2000,
  UserAssignedIdentities_Get: 120,
  UserAssignedIdentities_Update: 800,
  UserAssignedIdentities_Delete: 1500,
  UserAssignedIdentities_ListByResourceGroup: 200,
  UserAssignedIdentities_ListBySubscription: 250,
  // Network: the first answer of a PUT or DELETE (the rest is LRO_DURATION_MS), reads, tag updates.
  VirtualNetworks_CreateOrUpdate: 700,
  VirtualNetworks_Get: 150,
  VirtualNetworks_List: 200,
  VirtualNetworks_ListAll: 250,
  VirtualNetworks_UpdateTags: 500,
  VirtualNetworks_Delete: 400,
  Subnets_CreateOrUpdate: 600,
  Subnets_Get: 120,
  Subnets_List: 150,
  Subnets_Delete: 400,
  PublicIPAddresses_CreateOrUpdate: 600,
  PublicIPAddresses_Get: 120,
  PublicIPAddresses_List: 200,
  PublicIPAddresses_ListAll: 250,
  PublicIPAddresses_UpdateTags: 400,
  PublicIPAddresses_Delete: 400,
  NetworkSecurityGroups_CreateOrUpdate: 600,
  NetworkSecurityGroups_Get: 150,
  NetworkSecurityGroups_List: 200,
  NetworkSecurityGroups_ListAll: 250,
  NetworkSecurityGroups_UpdateTags: 400,
  NetworkSecurityGroups_Delete: 400,
  NetworkInterfaces_CreateOrUpdate: 600,
  NetworkInterfaces_Get: 120,
  NetworkInterfaces_List: 200,
  NetworkInterfaces_ListAll: 250,
  NetworkInterfaces_UpdateTags: 400,
  NetworkInterfaces_Delete: 400,
  // Compute.
  SshPublicKeys_Create: 300,
  SshPublicKeys_Get: 100,
  SshPublicKeys_Update: 300,
  SshPublicKeys_ListByResourceGroup: 150,
  SshPublicKeys_ListBySubscription: 200,
  SshPublicKeys_Delete: 300,
  VirtualMachines_CreateOrUpdate: 1500,
  VirtualMachines_Update: 1200,
  VirtualMachines_Get: 150,
  VirtualMachines_InstanceView: 150,
  VirtualMachines_List: 250,
  VirtualMachines_ListAll: 300,
  VirtualMachines_Delete: 500,
};

export const LRO_DURATION_MS: Readonly<Record<string, readonly [number, number]>> = {
  // An empty group goes in about ten seconds; the poller waits it out.
  ResourceGroups_Delete: [8_000, 15_000],
  VirtualNetworks_CreateOrUpdate: [4_000, 18_000],
  VirtualNetworks_Delete: [3_000, 12_000],
  Subnets_CreateOrUpdate: [3_000, 13_000],
  Subnets_Delete: [3_000, 10_000],
  PublicIPAddresses_CreateOrUpdate: [2_000, 6_000],
  PublicIPAddresses_Delete: [2_000, 10_000],
  NetworkSecurityGroups_CreateOrUpdate: [2_000, 6_000],
  NetworkSecurityGroups_Delete: [2_000, 10_000],
  NetworkInterfaces_CreateOrUpdate: [2_000, 12_000],
  NetworkInterfaces_Delete: [2_000, 10_000],
  VirtualMachines_CreateOrUpdate: [45_000, 60_000],
  // A PUT of an existing VM (an identity attached) does not rebuild it.
  [updateKey("VirtualMachines_CreateOrUpdate")]: [10_000, 25_000],
  VirtualMachines_Delete: [30_000, 90_000],
};

/**
 * The duration key of a PUT that changes an existing resource: it takes its own time where
 * LRO_DURATION_MS has an entry for it, else the creation's.
 */
export function updateKey(operation: string): string {
  return `${operation}#update`;
}

/**
 * In the fast profile operations finish at once, except these: a resource group being deleted is
 * still seen as `Deleting` for a moment, so callers meet that state in tests too. Also the least
 * they take in the realistic profile, whatever the scale.
 */
const FAST_DURATION_MS: Readonly<Record<string, number>> = {
  ResourceGroups_Delete: 500,
};

/** Duration of a long-running operation in the profile the sandbox runs with. */
export function lroDuration(ctx: ServiceContext, random: () => number = Math.random): (operation: string) => number {
  const realistic = ctx.env[SANDBOX_ENV.profile]?.trim() === "realistic";
  const rawScale = Number(ctx.env[SANDBOX_ENV.latencyScale]?.trim() || "1");
  const scale = Number.isFinite(rawScale) && rawScale >= 0 ? rawScale : 1;
  return (operation) => {
    const floor = FAST_DURATION_MS[operation.replace(/#update$/, "")] ?? 0;
    if (!realistic) return floor;
    const [min, max] = LRO_DURATION_MS[operation] ?? LRO_DURATION_MS[operation.replace(/#update$/, "")] ?? [0, 0];
    return Math.max(floor, Math.round((min + (max - min) * random()) * scale));
  };
}

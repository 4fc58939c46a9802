import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { NetworkManagementClient } from "@azure/arm-network";
import { ComputeManagementClient } from "@azure/arm-compute";
import { SANDBOX_ENV, SANDBOX_SUBSCRIPTION_ID } from "../../src/sandbox/constants.js";
import { lroDuration } from "../../src/sandbox/azure/durations.js";
import type { ServiceContext } from "../../src/sandbox/harness/types.js";
import { ARM_SCOPE, AzureClouds, armFetch, linuxVmBody, sshPublicKeyLine, type AzureCloud } from "./azure-helpers.js";

/**
 * The realistic profile gives each long-running operation its real-world length (FACTS.md). Over
 * HTTP scaled down 100 times, read from the operation's own startTime/endTime, not from a clock.
 */

const SUB = SANDBOX_SUBSCRIPTION_ID;
const LOCATION = "westeurope";
const SCALE = 0.01;
const clouds = new AzureClouds();
afterAll(() => clouds.stopAll());

let cloud: AzureCloud;
let network: NetworkManagementClient;
let compute: ComputeManagementClient;

/** The span of the operation behind a first answer's Azure-AsyncOperation header, in ms. */
async function spanOf(statusUrl: string | undefined): Promise<number> {
  expect(statusUrl).toBeDefined();
  const token = (await cloud.credential.getToken(ARM_SCOPE)).token;
  const { body } = await armFetch(statusUrl!, { token });
  expect(body.status).toBe("Succeeded");
  return Date.parse(body.endTime!) - Date.parse(body.startTime!);
}

interface Watched {
  url: string | undefined;
  onResponse: (raw: { headers: { get(name: string): string | undefined } }) => void;
}

/** Records the Azure-AsyncOperation header of the first answer of a call. */
function watch(): Watched {
  const seen: Watched = {
    url: undefined,
    onResponse: (raw) => {
      seen.url ??= raw.headers.get("azure-asyncoperation");
    },
  };
  return seen;
}

beforeAll(async () => {
  cloud = await clouds.start({ [SANDBOX_ENV.profile]: "realistic", [SANDBOX_ENV.latencyScale]: String(SCALE) });
  const options = { endpoint: cloud.arm, credentials: { scopes: [ARM_SCOPE] } };
  network = new NetworkManagementClient(cloud.credential, SUB, options);
  compute = new ComputeManagementClient(cloud.credential, SUB, options);
  await new ResourceManagementClient(cloud.credential, SUB, options).resourceGroups.createOrUpdate("rg-time", {
    location: LOCATION,
  });
});

describe("Azure sandbox, realistic profile: operation lengths", () => {
  it("takes each network operation's real-world range (VNet 4–18 s, subnet 3–13 s, public IP and NSG 2–6 s, NIC 2–12 s)", () => {
    const env = { [SANDBOX_ENV.profile]: "realistic" };
    const shortest = lroDuration({ env } as unknown as ServiceContext, () => 0);
    const longest = lroDuration({ env } as unknown as ServiceContext, () => 1);
    const ranges: Record<string, [number, number]> = {
      VirtualNetworks_CreateOrUpdate: [4_000, 18_000],
      Subnets_CreateOrUpdate: [3_000, 13_000],
      PublicIPAddresses_CreateOrUpdate: [2_000, 6_000],
      NetworkSecurityGroups_CreateOrUpdate: [2_000, 6_000],
      NetworkInterfaces_CreateOrUpdate: [2_000, 12_000],
      VirtualMachines_CreateOrUpdate: [45_000, 60_000],
    };
    for (const [operation, range] of Object.entries(ranges)) {
      expect([operation, shortest(operation), longest(operation)]).toEqual([operation, ...range]);
    }
    expect(lroDuration({ env: {} } as unknown as ServiceContext)("VirtualMachines_CreateOrUpdate")).toBe(0);
  });

  it("builds a VM in 45–60 s, and changing it takes 10–25 s (from the operation's startTime and endTime)", async () => {
    const subnet = `/subscriptions/${SUB}/resourceGroups/rg-time/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default`;
    await network.virtualNetworks.beginCreateOrUpdateAndWait("rg-time", "vnet", {
      location: LOCATION,
      addressSpace: { addressPrefixes: ["10.3.0.0/16"] },
      subnets: [{ name: "default", addressPrefix: "10.3.0.0/24" }],
    });
    const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait("rg-time", "nic", {
      location: LOCATION,
      ipConfigurations: [{ name: "ipconfig1", subnet: { id: subnet } }],
    });
    const body = linuxVmBody(nic.id!, {
      computerName: "vm",
      adminUsername: "azureuser",
      keyData: sshPublicKeyLine("ed25519"),
    });
    const create = watch();
    await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-time", "vm", body, create);
    const created = await spanOf(create.url);
    expect(created).toBeGreaterThanOrEqual(45_000 * SCALE);
    expect(created).toBeLessThanOrEqual(60_000 * SCALE);

    const update = watch();
    await compute.virtualMachines.beginCreateOrUpdateAndWait("rg-time", "vm", { ...body, tags: { a: "b" } }, update);
    const updated = await spanOf(update.url);
    expect(updated).toBeGreaterThanOrEqual(10_000 * SCALE);
    expect(updated).toBeLessThanOrEqual(25_000 * SCALE);
  });
});

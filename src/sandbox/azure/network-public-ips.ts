import { randomUUID } from "node:crypto";
import { fail, ok } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import { resourceTable } from "./arm-tracked.js";
import {
  cannotParse,
  formatIpv4,
  ipConfigWithPublicIp,
  NETWORK_API_VERSIONS,
  objectAt,
  parseIpv4,
  PUBLIC_IP_TYPE,
  readStrings,
  supersededByNewer,
  weakEtag,
} from "./network-common.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.Network/publicIPAddresses (fixture publicip-create-standard-static.json). Basic SKU
 * addresses can no longer be created (retired 30 September 2025) and Standard ones are Static
 * only, so the sandbox makes Standard Static IPv4 addresses, from 203.0.113.0/24 (TEST-NET-3,
 * documentation space that reaches nothing).
 */

export interface PublicIpData {
  resourceGuid: string;
  ipAddress: string;
  sku: { name: "Standard"; tier: "Regional" | "Global" };
  idleTimeoutInMinutes: number;
  zones?: string[];
  domainNameLabel?: string;
}

interface PublicIpInput {
  tier: "Regional" | "Global";
  idleTimeoutInMinutes: number;
  zones?: string[];
  domainNameLabel?: string;
}

const POOL_BASE = parseIpv4("203.0.113.0") ?? 0;

function allocate(state: AzureState): string | null {
  const used = new Set(
    Object.values(state.resources)
      .filter((r) => r.type === PUBLIC_IP_TYPE)
      .map((r) => (r.data as PublicIpData).ipAddress),
  );
  for (let host = 4; host < 255; host += 1) {
    const address = formatIpv4(POOL_BASE + host);
    if (!used.has(address)) return address;
  }
  return null;
}

export function publicIpAddressOf(resource: ArmResourceState | undefined): string | undefined {
  return resource?.type === PUBLIC_IP_TYPE ? (resource.data as PublicIpData).ipAddress : undefined;
}

export const publicIpsTable = resourceTable<PublicIpData, PublicIpInput>({
  type: PUBLIC_IP_TYPE,
  apiVersions: NETWORK_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  operations: {
    put: "PublicIPAddresses_CreateOrUpdate",
    get: "PublicIPAddresses_Get",
    patch: "PublicIPAddresses_UpdateTags",
    delete: "PublicIPAddresses_Delete",
    listByParent: "PublicIPAddresses_List",
    listBySubscription: "PublicIPAddresses_ListAll",
  },
  lro: { put: "azure-async", delete: "azure-async", pendingState: "Updating", retryAfterSeconds: 10 },
  tracked: true,

  parse: (_name, body, req) => {
    const sku = objectAt(body.sku);
    const properties = objectAt(body.properties);
    const skuName = sku.name ?? "Standard";
    if (skuName !== "Standard") {
      // Invented wording: Azure stopped creating Basic public IPs on 31 March 2025.
      return fail(
        armError(
          400,
          "BasicSkuPublicIpCreationNotAllowed",
          "Basic SKU public IP addresses can no longer be created: use sku.name 'Standard' (Static allocation).",
          req.operation,
          { target: "sku.name" },
        ),
      );
    }
    const tier = sku.tier ?? "Regional";
    if (tier !== "Regional" && tier !== "Global")
      return fail(cannotParse(req, "sku.tier", tier, "PublicIPAddressSkuTier"));
    const method = properties.publicIPAllocationMethod ?? "Static";
    if (method !== "Static" && method !== "Dynamic") {
      return fail(cannotParse(req, "properties.publicIPAllocationMethod", method, "IPAllocationMethod"));
    }
    if (method === "Dynamic") {
      return fail(
        armError(
          400,
          "StandardSkuPublicIPAddressesMustBeStatic",
          "Standard sku publicIp must have AllocationMethod set to Static.",
          req.operation,
          { details: [] },
        ),
      );
    }
    const version = properties.publicIPAddressVersion ?? "IPv4";
    if (version !== "IPv4") {
      // The sandbox hands out IPv4 addresses only.
      return fail(cannotParse(req, "properties.publicIPAddressVersion", version, "IPVersion (IPv4 in the sandbox)"));
    }
    const idle = properties.idleTimeoutInMinutes ?? 4;
    if (typeof idle !== "number" || !Number.isInteger(idle) || idle < 4 || idle > 30) {
      return fail(
        armError(
          400,
          "PublicIPIdleTimeoutIsOutOfRange",
          `IdleTimeoutInMinutes of the public IP address must be between 4 and 30 inclusive. Value provided: ${JSON.stringify(idle)}.`,
          req.operation,
          { details: [] },
        ),
      );
    }
    const zones = readStrings(body.zones);
    if (zones === false) return fail(cannotParse(req, "zones", body.zones, "List`1"));
    const label = objectAt(properties.dnsSettings).domainNameLabel;
    return ok({
      tier,
      idleTimeoutInMinutes: idle,
      ...(zones ? { zones } : {}),
      ...(typeof label === "string" ? { domainNameLabel: label } : {}),
    });
  },
  build: (input, ctx) => {
    const ipAddress = ctx.existing?.data.ipAddress ?? allocate(ctx.state);
    if (!ipAddress) {
      return fail(
        armError(
          400,
          "PublicIPCountLimitReached",
          "The sandbox has handed out every address of 203.0.113.0/24: delete public IP addresses to make room.",
          ctx.req.operation,
        ),
      );
    }
    return ok({
      resourceGuid: ctx.existing?.data.resourceGuid ?? randomUUID(),
      ipAddress,
      sku: { name: "Standard", tier: input.tier },
      idleTimeoutInMinutes: input.idleTimeoutInMinutes,
      ...(input.zones ? { zones: input.zones } : {}),
      ...(input.domainNameLabel ? { domainNameLabel: input.domainNameLabel } : {}),
    });
  },
  view: (pip, state) => {
    const config = ipConfigWithPublicIp(state, pip.id);
    const label = pip.data.domainNameLabel;
    return {
      name: pip.name,
      id: pip.id,
      etag: weakEtag(pip),
      location: pip.location,
      ...(pip.tags ? { tags: pip.tags } : {}),
      ...(pip.data.zones ? { zones: pip.data.zones } : {}),
      properties: {
        provisioningState: pip.provisioningState,
        resourceGuid: pip.data.resourceGuid,
        ipAddress: pip.data.ipAddress,
        publicIPAddressVersion: "IPv4",
        publicIPAllocationMethod: "Static",
        idleTimeoutInMinutes: pip.data.idleTimeoutInMinutes,
        ipTags: [],
        ...(config ? { ipConfiguration: { id: config } } : {}),
        ...(label
          ? { dnsSettings: { domainNameLabel: label, fqdn: `${label}.${pip.location ?? ""}.cloudapp.azure.com` } }
          : {}),
        ddosSettings: { protectionMode: "VirtualNetworkInherited" },
      },
      sku: pip.data.sku,
      type: PUBLIC_IP_TYPE,
    };
  },
  listingExtras: (pip) => ({ sku: pip.data.sku, ...(pip.data.zones ? { zones: pip.data.zones } : {}) }),
  refuseDelete: (pip, state, req) => {
    const config = ipConfigWithPublicIp(state, pip.id);
    if (!config) return null;
    return armError(
      400,
      "PublicIPAddressInUse",
      `Public IP address ${pip.id} can not be deleted since it is still allocated to resource ${config}. In order to ` +
        "delete the public IP, disassociate/detach the Public IP address from the resource. To learn how to do this, " +
        "see aka.ms/deletepublicip.",
      req.operation,
      { details: [] },
    );
  },
  preempted: supersededByNewer,
});

import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../harness/types.js";
import { fail, ok, type Parsed } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import { statusUrl } from "./arm-lro.js";
import { resourceTable, type BuildContext } from "./arm-tracked.js";
import type { ArmRequest } from "./arm-types.js";
import {
  anotherOperationInProgress,
  contains,
  invalidReference,
  ipConfigsInSubnet,
  NETWORK_API_VERSIONS,
  NSG_TYPE,
  objectAt,
  overlaps,
  parsePrefixes,
  readRef,
  readStrings,
  resolve,
  SUBNET_TYPE,
  supersededByNewer,
  VNET_TYPE,
  weakEtag,
  cannotParse,
  type Cidr,
} from "./network-common.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.Network/virtualNetworks and their subnets (fixtures vnet-create.json, subnet-create.json).
 * PUTs run as Azure-AsyncOperation operations, DELETEs as Azure-AsyncOperation + Location. A VNet's
 * subnets are child resources: a subnet PUT shows in its VNet's `subnets`, and a VNet PUT replaces
 * the subnet list (subnets it leaves out are deleted, or refused while in use, as NRP does).
 */

interface VnetData {
  resourceGuid: string;
  addressPrefixes: string[];
  flowTimeoutInMinutes?: number;
  dnsServers?: string[];
}

export interface SubnetData {
  addressPrefix: string;
  nsgId?: string;
}

interface SubnetInput {
  name: string;
  addressPrefix: string;
  nsgId: string | undefined;
}

interface VnetInput {
  addressPrefixes: string[];
  flowTimeoutInMinutes?: number;
  dnsServers?: string[];
  subnets: SubnetInput[];
}

const NETWORK_LRO = {
  put: "azure-async",
  delete: "azure-async",
  pendingState: "Updating",
  retryAfterSeconds: 10,
} as const;

function subnetView(subnet: ArmResourceState<SubnetData>, state: AzureState): object {
  const configs = ipConfigsInSubnet(state, subnet.id);
  return {
    name: subnet.name,
    id: subnet.id,
    etag: weakEtag(subnet),
    properties: {
      provisioningState: subnet.provisioningState,
      addressPrefix: subnet.data.addressPrefix,
      ...(subnet.data.nsgId ? { networkSecurityGroup: { id: subnet.data.nsgId } } : {}),
      ...(configs.length > 0 ? { ipConfigurations: configs.map((id) => ({ id })) } : {}),
      delegations: [],
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    },
    type: SUBNET_TYPE,
  };
}

function subnetsOf(state: AzureState, vnetKey: string): Array<ArmResourceState<SubnetData>> {
  return Object.values(state.resources).filter(
    (r): r is ArmResourceState<SubnetData> => r.type === SUBNET_TYPE && r.parentKey === vnetKey,
  );
}

function inUse(state: AzureState, subnet: ArmResourceState, req: ArmRequest): SandboxResponse | null {
  const [user] = ipConfigsInSubnet(state, subnet.id);
  if (!user) return null;
  return armError(
    400,
    "InUseSubnetCannotBeDeleted",
    `Subnet ${subnet.name} is in use by ${user} and cannot be deleted. In order to delete the subnet, delete all ` +
      "the resources within the subnet. See aka.ms/deletesubnet.",
    req.operation,
    { details: [] },
  );
}

function readSubnet(raw: unknown, path: string, req: ArmRequest): Parsed<SubnetInput> {
  const subnet = objectAt(raw);
  const name = subnet.name;
  const properties = objectAt(subnet.properties);
  if (typeof name !== "string" || name === "") return fail(cannotParse(req, `${path}.name`, name, "String"));
  const prefixes = readStrings(properties.addressPrefixes);
  const prefix =
    typeof properties.addressPrefix === "string" ? properties.addressPrefix : prefixes ? prefixes[0] : undefined;
  if (prefix === undefined) {
    return fail(
      armError(
        400,
        "InvalidRequestFormat",
        `Subnet ${name} has no addressPrefix: give properties.addressPrefix.`,
        req.operation,
      ),
    );
  }
  const nsgId = readRef(properties.networkSecurityGroup);
  if (nsgId === false)
    return fail(
      cannotParse(req, `${path}.properties.networkSecurityGroup`, properties.networkSecurityGroup, "SubResource"),
    );
  return ok({ name, addressPrefix: prefix, nsgId });
}

/** Checks a set of subnets against the VNet's space and each other. */
function checkSubnets(
  vnetName: string,
  space: readonly Cidr[],
  subnets: ReadonlyArray<{ name: string; id: string; addressPrefix: string; nsgId: string | undefined }>,
  state: AzureState,
  req: ArmRequest,
): SandboxResponse | null {
  const placed: Array<{ name: string; cidr: Cidr }> = [];
  for (const subnet of subnets) {
    const parsed = parsePrefixes([subnet.addressPrefix], subnet.id, req);
    if (!parsed.ok) return parsed.response;
    const [cidr] = parsed.value;
    if (!cidr) continue;
    if (!space.some((outer) => contains(outer, cidr))) {
      return armError(
        400,
        "NetcfgInvalidSubnet",
        `Subnet '${subnet.name}' is not valid in virtual network '${vnetName}'.`,
        req.operation,
        {
          details: [],
        },
      );
    }
    if (placed.some((other) => overlaps(other.cidr, cidr))) {
      return armError(
        400,
        "NetcfgSubnetRangesOverlap",
        `Subnet '${subnet.name}' is not valid because its IP address range overlaps with that of an existing subnet in ` +
          `virtual network '${vnetName}'.`,
        req.operation,
        { details: [] },
      );
    }
    if (subnet.nsgId && !resolve(state, subnet.nsgId, NSG_TYPE)) return invalidReference(req, subnet.nsgId, subnet.id);
    placed.push({ name: subnet.name, cidr });
  }
  return null;
}

export const virtualNetworksTable = resourceTable<VnetData, VnetInput>({
  type: VNET_TYPE,
  apiVersions: NETWORK_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  operations: {
    put: "VirtualNetworks_CreateOrUpdate",
    get: "VirtualNetworks_Get",
    patch: "VirtualNetworks_UpdateTags",
    delete: "VirtualNetworks_Delete",
    listByParent: "VirtualNetworks_List",
    listBySubscription: "VirtualNetworks_ListAll",
  },
  lro: NETWORK_LRO,
  tracked: true,

  parse: (_name, body, req) => {
    const properties = objectAt(body.properties);
    const prefixes = readStrings(objectAt(properties.addressSpace).addressPrefixes);
    if (prefixes === false) {
      return fail(
        cannotParse(
          req,
          "properties.addressSpace.addressPrefixes",
          objectAt(properties.addressSpace).addressPrefixes,
          "List`1",
        ),
      );
    }
    if (!prefixes || prefixes.length === 0) {
      // Invented wording: NRP's own text for a VNet without address space was not found.
      return fail(
        armError(
          400,
          "AddressSpaceRequired",
          "The virtual network needs at least one address prefix in properties.addressSpace.addressPrefixes.",
          req.operation,
        ),
      );
    }
    const rawSubnets = properties.subnets ?? [];
    if (!Array.isArray(rawSubnets)) return fail(cannotParse(req, "properties.subnets", rawSubnets, "List`1"));
    const subnets: SubnetInput[] = [];
    for (const [i, raw] of rawSubnets.entries()) {
      const subnet = readSubnet(raw, `properties.subnets[${i}]`, req);
      if (!subnet.ok) return subnet;
      subnets.push(subnet.value);
    }
    const flow = properties.flowTimeoutInMinutes;
    const dns = readStrings(objectAt(properties.dhcpOptions).dnsServers);
    return ok({
      addressPrefixes: prefixes,
      ...(typeof flow === "number" ? { flowTimeoutInMinutes: flow } : {}),
      ...(dns ? { dnsServers: dns } : {}),
      subnets,
    });
  },
  build: (input, ctx) => {
    const space = parsePrefixes(input.addressPrefixes, ctx.id, ctx.req);
    if (!space.ok) return space;
    const key = ctx.id.toLowerCase();
    const subnets = input.subnets.map((s) => ({ ...s, id: `${ctx.id}/subnets/${s.name}` }));
    const invalid = checkSubnets(ctx.name, space.value, subnets, ctx.state, ctx.req);
    if (invalid) return fail(invalid);
    // Subnets the body leaves out go, unless something still uses them.
    const kept = new Set(subnets.map((s) => s.name.toLowerCase()));
    for (const existing of subnetsOf(ctx.state, key)) {
      if (kept.has(existing.name.toLowerCase())) continue;
      const busy = inUse(ctx.state, existing, ctx.req);
      if (busy) return fail(busy);
    }
    return ok({
      resourceGuid: ctx.existing?.data.resourceGuid ?? randomUUID(),
      addressPrefixes: input.addressPrefixes,
      ...(input.flowTimeoutInMinutes !== undefined ? { flowTimeoutInMinutes: input.flowTimeoutInMinutes } : {}),
      ...(input.dnsServers ? { dnsServers: input.dnsServers } : {}),
    });
  },
  written: (vnet, input, ctx) => syncSubnets(vnet, input.subnets, ctx),
  provisioned: (vnet, state) => {
    for (const subnet of subnetsOf(state, vnet.id.toLowerCase())) {
      if (subnet.provisioningState === "Updating") subnet.provisioningState = "Succeeded";
    }
  },
  view: (vnet, state) => ({
    name: vnet.name,
    id: vnet.id,
    etag: weakEtag(vnet),
    type: VNET_TYPE,
    location: vnet.location,
    ...(vnet.tags ? { tags: vnet.tags } : {}),
    properties: {
      provisioningState: vnet.provisioningState,
      resourceGuid: vnet.data.resourceGuid,
      addressSpace: { addressPrefixes: vnet.data.addressPrefixes },
      ...(vnet.data.dnsServers ? { dhcpOptions: { dnsServers: vnet.data.dnsServers } } : {}),
      ...(vnet.data.flowTimeoutInMinutes !== undefined ? { flowTimeoutInMinutes: vnet.data.flowTimeoutInMinutes } : {}),
      subnets: subnetsOf(state, vnet.id.toLowerCase()).map((s) => subnetView(s, state)),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  }),
  refuseDelete: (vnet, state, req) => {
    for (const subnet of subnetsOf(state, vnet.id.toLowerCase())) {
      const busy = inUse(state, subnet, req);
      if (busy) return busy;
    }
    return null;
  },
  preempted: supersededByNewer,
});

/** Makes the VNet's subnet records match the list its PUT gave. */
function syncSubnets(
  vnet: ArmResourceState<VnetData>,
  wanted: readonly SubnetInput[],
  ctx: BuildContext<VnetData>,
): void {
  const key = vnet.id.toLowerCase();
  const names = new Set(wanted.map((s) => s.name.toLowerCase()));
  for (const existing of subnetsOf(ctx.state, key)) {
    if (!names.has(existing.name.toLowerCase())) delete ctx.state.resources[existing.id.toLowerCase()];
  }
  for (const subnet of wanted) {
    const id = `${vnet.id}/subnets/${subnet.name}`;
    const current = ctx.state.resources[id.toLowerCase()] as ArmResourceState<SubnetData> | undefined;
    ctx.state.resources[id.toLowerCase()] = {
      id: current?.id ?? id,
      type: SUBNET_TYPE,
      name: current?.name ?? subnet.name,
      subscriptionId: vnet.subscriptionId,
      resourceGroup: vnet.resourceGroup,
      parentKey: key,
      provisioningState: vnet.provisioningState,
      etag: randomUUID(),
      createdAt: current?.createdAt ?? new Date(ctx.nowMs).toISOString(),
      data: { addressPrefix: subnet.addressPrefix, ...(subnet.nsgId ? { nsgId: subnet.nsgId } : {}) },
    };
  }
}

export const subnetsTable = resourceTable<SubnetData, SubnetInput>({
  type: SUBNET_TYPE,
  apiVersions: NETWORK_API_VERSIONS,
  versionError: "provider",
  scope: { parent: virtualNetworksTable },
  operations: {
    put: "Subnets_CreateOrUpdate",
    get: "Subnets_Get",
    delete: "Subnets_Delete",
    listByParent: "Subnets_List",
  },
  lro: NETWORK_LRO,
  tracked: false,

  parse: (name, body, req) => readSubnet({ ...body, name }, "", req),
  build: (input, ctx) => {
    const vnet = ctx.parent as ArmResourceState<VnetData> | undefined;
    if (!vnet) return fail(armError(404, "NotFound", `Resource ${ctx.id} not found.`, ctx.req.operation));
    const busy = Object.values(ctx.state.operations).find(
      (op) => op.status === "InProgress" && op.target === vnet.id.toLowerCase() && op.action === "put",
    );
    if (busy) return fail(anotherOperationInProgress(ctx.req, statusUrl(ctx.env, busy, ctx.req.apiVersion)));
    const space = parsePrefixes(vnet.data.addressPrefixes, vnet.id, ctx.req);
    if (!space.ok) return space;
    const siblings = subnetsOf(ctx.state, vnet.id.toLowerCase())
      .filter((s) => s.name.toLowerCase() !== ctx.name.toLowerCase())
      .map((s) => ({ name: s.name, id: s.id, addressPrefix: s.data.addressPrefix, nsgId: undefined }));
    const invalid = checkSubnets(vnet.name, space.value, [...siblings, { ...input, id: ctx.id }], ctx.state, ctx.req);
    if (invalid) return fail(invalid);
    return ok({ addressPrefix: input.addressPrefix, ...(input.nsgId ? { nsgId: input.nsgId } : {}) });
  },
  view: subnetView,
  refuseDelete: (subnet, state, req) => inUse(state, subnet, req),
  preempted: supersededByNewer,
});

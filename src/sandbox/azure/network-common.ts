import type { SandboxResponse } from "../harness/types.js";
import { fail, ok, type Parsed } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import type { ArmRequest } from "./arm-types.js";
import type { ArmResourceState, AzureState, OperationError } from "./state.js";

/**
 * What the network resource provider's types share: api-versions, the W/"…" etag, references by
 * id, IPv4 prefixes, and NRP's errors for them (messages as seen in public error reports).
 */

// The package sends 2026-01-01; older versions stay accepted, as NRP keeps them.
export const NETWORK_API_VERSIONS: readonly string[] = [
  "2026-01-01",
  "2025-07-01",
  "2025-05-01",
  "2025-03-01",
  "2025-01-01",
  "2024-10-01",
  "2024-07-01",
  "2024-05-01",
  "2024-03-01",
  "2024-01-01",
  "2023-11-01",
  "2023-09-01",
  "2023-05-01",
  "2022-07-01",
  "2021-05-01",
];
export const NETWORK = "Microsoft.Network";
export const VNET_TYPE = `${NETWORK}/virtualNetworks`;
export const SUBNET_TYPE = `${NETWORK}/virtualNetworks/subnets`;
export const PUBLIC_IP_TYPE = `${NETWORK}/publicIPAddresses`;
export const NSG_TYPE = `${NETWORK}/networkSecurityGroups`;
export const NIC_TYPE = `${NETWORK}/networkInterfaces`;

/** NRP's etag: a weak validator around a GUID. */
export function weakEtag(resource: ArmResourceState): string {
  return `W/"${resource.etag}"`;
}

/** `{ "id": "…" }`: the id; undefined when absent; false when malformed. */
export function readRef(value: unknown): string | undefined | false {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object") return false;
  const id = (value as { id?: unknown }).id;
  if (id === undefined || id === null) return undefined;
  return typeof id === "string" && id.startsWith("/subscriptions/") ? id : false;
}

/** The resource an id names, if it exists and has that type. */
export function resolve(state: AzureState, id: string, type: string): ArmResourceState | undefined {
  const found = state.resources[id.toLowerCase()];
  return found?.type.toLowerCase() === type.toLowerCase() ? found : undefined;
}

export function invalidReference(req: ArmRequest, referenced: string, by: string): SandboxResponse {
  return armError(
    400,
    "InvalidResourceReference",
    `Resource ${referenced} referenced by resource ${by} was not found. Please make sure that the referenced ` +
      "resource exists, and that both resources are in the same region.",
    req.operation,
    { details: [] },
  );
}

/**
 * NRP's answer to a write on a resource (or its parent) still busy with another operation. 429 per
 * an NRP engineer's account, with Retry-After so the SDK's retry policy waits it out.
 */
export function anotherOperationInProgress(req: ArmRequest, statusUrlHint: string): SandboxResponse {
  return armError(
    429,
    "AnotherOperationInProgress",
    `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${statusUrlHint}.`,
    req.operation,
    { headers: { "Retry-After": "10" }, details: [] },
  );
}

/** How NRP ends a PUT that a newer PUT or a DELETE overtook (wording recalled, not verified). */
export function supersededByNewer(req: ArmRequest): { status: "Canceled"; error: OperationError } {
  return {
    status: "Canceled",
    error: {
      code: "CanceledAndSupersededDueToAnotherOperation",
      message: `Operation was canceled and superseded by a ${req.method} operation on the same resource.`,
    },
  };
}

/** An IPv4 prefix as numbers: `base` is the first address, `size` how many addresses. */
export interface Cidr {
  readonly text: string;
  readonly base: number;
  readonly bits: number;
  readonly size: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** "10.0.0.0/16" → Cidr; "format" when unreadable, "unaligned" when host bits are set. */
export function parseCidr(text: string): Cidr | "format" | "unaligned" {
  const [address, prefix, ...rest] = text.split("/");
  if (rest.length > 0 || address === undefined || prefix === undefined || !/^\d{1,2}$/.test(prefix)) return "format";
  const base = parseIpv4(address);
  const bits = Number(prefix);
  if (base === null || bits > 32) return "format";
  const size = 2 ** (32 - bits);
  if (base % size !== 0) return "unaligned";
  return { text, base, bits, size };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Checks a list of address prefixes of a resource, with NRP's two errors for bad ones. */
export function parsePrefixes(texts: readonly string[], resourceId: string, req: ArmRequest): Parsed<Cidr[]> {
  const out: Cidr[] = [];
  for (const text of texts) {
    const cidr = parseCidr(text);
    if (cidr === "format") {
      return fail(
        armError(
          400,
          "InvalidAddressPrefixFormat",
          `Address prefix ${text} of resource ${resourceId} is not formatted correctly. It should follow CIDR ` +
            "notation, for example 10.0.0.0/24.",
          req.operation,
          { details: [] },
        ),
      );
    }
    if (cidr === "unaligned") {
      const [address = "", bits = "0"] = text.split("/");
      const size = 2 ** (32 - Number(bits));
      const base = Math.floor((parseIpv4(address) ?? 0) / size) * size;
      return fail(
        armError(
          400,
          "InvalidCIDRNotation",
          `The address prefix ${text} in resource ${resourceId} has an invalid CIDR notation. For the given prefix ` +
            `length, the address prefix should be ${formatIpv4(base)}/${bits}.`,
          req.operation,
          { details: [] },
        ),
      );
    }
    out.push(cidr);
  }
  return ok(out);
}

/** Strings of a JSON array; undefined when absent; false when not an array of strings. */
export function readStrings(value: unknown): string[] | undefined | false {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return false;
  return value as string[];
}

/** A JSON object member, or an empty object when absent. */
export function objectAt(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The answer NRP gives a body it cannot read (a wrong enum value, a wrong JSON type). */
export function cannotParse(req: ArmRequest, path: string, value: unknown, expected: string): SandboxResponse {
  return armError(400, "InvalidRequestFormat", "Cannot parse the request.", req.operation, {
    details: [
      {
        code: "InvalidJson",
        message: `Error converting value ${JSON.stringify(value)} to type '${expected}'. Path '${path}'.`,
      },
    ],
  });
}

/** A NIC's IP configuration as stored (network-nics.ts owns it; others read who uses what). */
export interface NicIpConfig {
  name: string;
  subnetId: string;
  publicIpId?: string;
  privateIp: string;
  allocation: "Dynamic" | "Static";
  primary: boolean;
}

export interface NicData {
  resourceGuid: string;
  ipConfigurations: NicIpConfig[];
  nsgId?: string;
  enableAcceleratedNetworking: boolean;
  enableIPForwarding: boolean;
  disableTcpStateTracking?: boolean;
  dnsServers: string[];
  /** Set while a VM uses the NIC. */
  virtualMachineId?: string;
  macAddress?: string;
}

/** Every NIC IP configuration, with the NIC it belongs to. */
export function nicIpConfigs(state: AzureState): Array<{ nic: ArmResourceState<NicData>; config: NicIpConfig }> {
  return Object.values(state.resources)
    .filter((r) => r.type === NIC_TYPE)
    .flatMap((r) => {
      const nic = r as ArmResourceState<NicData>;
      return nic.data.ipConfigurations.map((config) => ({ nic, config }));
    });
}

export function ipConfigId(nic: ArmResourceState, config: NicIpConfig): string {
  return `${nic.id}/ipConfigurations/${config.name}`;
}

const sameId = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** Ids of the NIC IP configurations in a subnet. */
export function ipConfigsInSubnet(state: AzureState, subnetId: string): string[] {
  return nicIpConfigs(state)
    .filter(({ config }) => sameId(config.subnetId, subnetId))
    .map(({ nic, config }) => ipConfigId(nic, config));
}

/** Id of the NIC IP configuration holding a public IP, if any. */
export function ipConfigWithPublicIp(state: AzureState, publicIpId: string): string | undefined {
  const found = nicIpConfigs(state).find(({ config }) => sameId(config.publicIpId, publicIpId));
  return found ? ipConfigId(found.nic, found.config) : undefined;
}

/** Ids of the NICs and subnets an NSG is associated with. */
export function nsgUsers(state: AzureState, nsgId: string): { nics: string[]; subnets: string[] } {
  const users = { nics: [] as string[], subnets: [] as string[] };
  for (const r of Object.values(state.resources)) {
    if (r.type === NIC_TYPE && sameId((r.data as NicData).nsgId, nsgId)) users.nics.push(r.id);
    if (r.type === SUBNET_TYPE && sameId((r.data as { nsgId?: string }).nsgId, nsgId)) users.subnets.push(r.id);
  }
  return users;
}

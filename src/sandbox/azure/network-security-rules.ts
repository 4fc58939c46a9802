import type { SandboxResponse } from "../harness/types.js";
import { fail, ok, type Parsed } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import type { ArmRequest } from "./arm-types.js";
import { cannotParse, objectAt, parseCidr, parseIpv4, readStrings } from "./network-common.js";

/**
 * Security rules of a network security group, checked as NRP checks them: priority 100–4096 and
 * unique per direction, protocol/access/direction from their enums, ports as `*`, `N` or `N-M`
 * within 0–65535, address prefixes as `*`, a service tag, an IPv4 address or an aligned IPv4 CIDR.
 * Error codes and messages as in public error reports (SecurityRuleInvalidPriority,
 * SecurityRuleConflict, SecurityRuleInvalidPortRange, SecurityRuleInvalidAddressPrefix).
 */

export interface SecurityRule {
  name: string;
  description?: string;
  protocol: string;
  access: "Allow" | "Deny";
  direction: "Inbound" | "Outbound";
  priority: number;
  /** Each either the single form ("22") or the list form (["22", "443"]), as the caller sent it. */
  sourcePortRange?: string;
  sourcePortRanges?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
}

const PROTOCOLS = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];
// Service tags NSG rules accept (a region may follow some: "Storage.WestEurope").
const SERVICE_TAGS = [
  "VirtualNetwork",
  "Internet",
  "AzureLoadBalancer",
  "AzureCloud",
  "AzureTrafficManager",
  "Storage",
  "Sql",
  "AzureCosmosDB",
  "AzureKeyVault",
  "AzureMonitor",
  "AzureActiveDirectory",
  "AzureContainerRegistry",
  "AzureBackup",
  "AzureFrontDoor.Backend",
  "AzureFrontDoor.Frontend",
  "ApiManagement",
  "AppService",
  "EventHub",
  "ServiceBus",
  "GatewayManager",
  "GuestAndHybridManagement",
  "AzureArcInfrastructure",
];
const MIN_PRIORITY = 100;
const MAX_PRIORITY = 4096;

/** The six rules every NSG has (fixture nsg-create.json). */
export const DEFAULT_SECURITY_RULES: readonly SecurityRule[] = [
  defaults(
    "AllowVnetInBound",
    "Allow inbound traffic from all VMs in VNET",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
    65000,
    "Inbound",
  ),
  defaults(
    "AllowAzureLoadBalancerInBound",
    "Allow inbound traffic from azure load balancer",
    "AzureLoadBalancer",
    "*",
    "Allow",
    65001,
    "Inbound",
  ),
  defaults("DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500, "Inbound"),
  defaults(
    "AllowVnetOutBound",
    "Allow outbound traffic from all VMs to all VMs in VNET",
    "VirtualNetwork",
    "VirtualNetwork",
    "Allow",
    65000,
    "Outbound",
  ),
  defaults(
    "AllowInternetOutBound",
    "Allow outbound traffic from all VMs to Internet",
    "*",
    "Internet",
    "Allow",
    65001,
    "Outbound",
  ),
  defaults("DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500, "Outbound"),
];

function defaults(
  name: string,
  description: string,
  source: string,
  destination: string,
  access: "Allow" | "Deny",
  priority: number,
  direction: "Inbound" | "Outbound",
): SecurityRule {
  return {
    name,
    description,
    protocol: "*",
    sourcePortRange: "*",
    destinationPortRange: "*",
    sourceAddressPrefix: source,
    destinationAddressPrefix: destination,
    access,
    priority,
    direction,
  };
}

/** Rule body as NRP answers it, members in the order of its answers. */
export function ruleProperties(rule: SecurityRule, provisioningState: string): object {
  return {
    provisioningState,
    ...(rule.description !== undefined ? { description: rule.description } : {}),
    protocol: rule.protocol,
    ...pick(rule, "sourcePortRange", "sourcePortRanges"),
    ...pick(rule, "destinationPortRange", "destinationPortRanges"),
    ...pick(rule, "sourceAddressPrefix", "sourceAddressPrefixes"),
    ...pick(rule, "destinationAddressPrefix", "destinationAddressPrefixes"),
    access: rule.access,
    priority: rule.priority,
    direction: rule.direction,
  };
}

function pick<K extends keyof SecurityRule>(rule: SecurityRule, one: K, many: K): Partial<SecurityRule> {
  return rule[one] !== undefined ? { [one]: rule[one] } : rule[many] !== undefined ? { [many]: rule[many] } : {};
}

/** Reads and checks `properties.securityRules` of an NSG PUT. */
export function parseSecurityRules(raw: unknown, nsgId: string, req: ArmRequest): Parsed<SecurityRule[]> {
  if (raw === undefined || raw === null) return ok([]);
  if (!Array.isArray(raw)) return fail(cannotParse(req, "properties.securityRules", raw, "List`1"));
  const rules: SecurityRule[] = [];
  for (const [i, item] of raw.entries()) {
    const rule = parseRule(objectAt(item), `properties.securityRules[${i}]`, nsgId, req);
    if (!rule.ok) return rule;
    const clash = rules.find((r) => r.priority === rule.value.priority && r.direction === rule.value.direction);
    if (clash) {
      return fail(
        armError(
          400,
          "SecurityRuleConflict",
          `Security rule ${clash.name} conflicts with rule ${rule.value.name}. Rules cannot have the same Priority and ` +
            "Direction. To learn more, see aka.ms/nsgrules.",
          req.operation,
          { details: [] },
        ),
      );
    }
    rules.push(rule.value);
  }
  return ok(rules);
}

function parseRule(item: Record<string, unknown>, path: string, nsgId: string, req: ArmRequest): Parsed<SecurityRule> {
  const name = item.name;
  if (typeof name !== "string" || name === "") return fail(cannotParse(req, `${path}.name`, name, "String"));
  const ruleId = `${nsgId}/securityRules/${name}`;
  const p = objectAt(item.properties);
  const missing = (parameter: string): Parsed<SecurityRule> =>
    fail(
      // The code is NRP's; the wording is the sandbox's.
      armError(
        400,
        "SecurityRuleParameterMissing",
        `Security rule parameter ${parameter} for rule with Id ${ruleId} is missing.`,
        req.operation,
        { details: [] },
      ),
    );

  const protocol = enumValue(p.protocol, PROTOCOLS);
  if (p.protocol === undefined) return missing("Protocol");
  if (!protocol) return fail(cannotParse(req, `${path}.properties.protocol`, p.protocol, "SecurityRuleProtocol"));
  const access = enumValue(p.access, ["Allow", "Deny"]);
  if (p.access === undefined) return missing("Access");
  if (!access) return fail(cannotParse(req, `${path}.properties.access`, p.access, "SecurityRuleAccess"));
  const direction = enumValue(p.direction, ["Inbound", "Outbound"]);
  if (p.direction === undefined) return missing("Direction");
  if (!direction) return fail(cannotParse(req, `${path}.properties.direction`, p.direction, "SecurityRuleDirection"));

  const priority = p.priority;
  if (priority === undefined) return missing("Priority");
  if (
    typeof priority !== "number" ||
    !Number.isInteger(priority) ||
    priority < MIN_PRIORITY ||
    priority > MAX_PRIORITY
  ) {
    return fail(
      armError(
        400,
        "SecurityRuleInvalidPriority",
        `Security rule has invalid Priority. Value provided: ${JSON.stringify(priority)} Allowed range ${MIN_PRIORITY}-${MAX_PRIORITY}.`,
        req.operation,
        { details: [] },
      ),
    );
  }

  const rule: SecurityRule = {
    name,
    ...(typeof p.description === "string" ? { description: p.description } : {}),
    protocol,
    access: access as SecurityRule["access"],
    direction: direction as SecurityRule["direction"],
    priority,
  };
  for (const [one, many, label] of [
    ["sourcePortRange", "sourcePortRanges", "SourcePortRange"],
    ["destinationPortRange", "destinationPortRanges", "DestinationPortRange"],
  ] as const) {
    const values = oneOrMany(p[one], p[many]);
    if (values === false) return fail(cannotParse(req, `${path}.properties.${many}`, p[many], "List`1"));
    if (!values) return missing(label);
    const bad = values.find((v) => !validPortRange(v));
    if (bad !== undefined) return fail(invalidPortRange(req, bad));
    Object.assign(rule, typeof p[one] === "string" ? { [one]: p[one] } : { [many]: values });
  }
  for (const [one, many, label] of [
    ["sourceAddressPrefix", "sourceAddressPrefixes", "SourceAddressPrefix"],
    ["destinationAddressPrefix", "destinationAddressPrefixes", "DestinationAddressPrefix"],
  ] as const) {
    const values = oneOrMany(p[one], p[many]);
    if (values === false) return fail(cannotParse(req, `${path}.properties.${many}`, p[many], "List`1"));
    if (!values) return missing(label);
    const bad = values.find((v) => !validAddressPrefix(v));
    if (bad !== undefined) {
      return fail(
        armError(
          400,
          "SecurityRuleInvalidAddressPrefix",
          `Security rule ${ruleId} has invalid Address prefix. Value provided: ${bad}`,
          req.operation,
          { details: [] },
        ),
      );
    }
    Object.assign(rule, typeof p[one] === "string" ? { [one]: p[one] } : { [many]: values });
  }
  return ok(rule);
}

/** The enum member matching case-insensitively, in its canonical casing. */
function enumValue(value: unknown, members: readonly string[]): string | undefined {
  return typeof value === "string" ? members.find((m) => m.toLowerCase() === value.toLowerCase()) : undefined;
}

function oneOrMany(one: unknown, many: unknown): string[] | undefined | false {
  if (typeof one === "string" && one !== "") return [one];
  const list = readStrings(many);
  if (list === false) return false;
  return list && list.length > 0 ? list : undefined;
}

export function validPortRange(value: string): boolean {
  if (value === "*") return true;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!m) return false;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return low <= high && high <= 65535;
}

function invalidPortRange(req: ArmRequest, value: string): SandboxResponse {
  return armError(
    400,
    "SecurityRuleInvalidPortRange",
    `Security rule has invalid Port range. Value provided: ${value}. Value should be an integer OR integer range with ` +
      "'-' delimiter. Valid range 0-65535.",
    req.operation,
    { details: [] },
  );
}

export function validAddressPrefix(value: string): boolean {
  if (value === "*") return true;
  const [tag, region, ...rest] = value.split(".");
  if (
    rest.length === 0 &&
    tag &&
    SERVICE_TAGS.some((t) => t.toLowerCase() === (region ? `${tag}.${region}` : tag).toLowerCase())
  ) {
    return true;
  }
  if (
    rest.length === 0 &&
    tag &&
    region &&
    /^[A-Za-z0-9]+$/.test(region) &&
    SERVICE_TAGS.some((t) => t.toLowerCase() === tag.toLowerCase())
  ) {
    return true;
  }
  if (value.includes("/")) return typeof parseCidr(value) === "object";
  return parseIpv4(value) !== null;
}

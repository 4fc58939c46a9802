import type { SecurityRule } from "../../cloud/azure/vm-ports.js";

/** Our rule's name: how we tell it from rules someone added by hand. */
export const SSH_RULE_NAME = "oidc-bridge-ssh-admin";
const PREFERRED_PRIORITY = 1000;

/** The only inbound allow rule we make: TCP 22 from the admin CIDRs, nothing else. */
export function sshRule(adminCidrs: readonly string[], priority = PREFERRED_PRIORITY): SecurityRule {
  return {
    name: SSH_RULE_NAME,
    priority,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefixes: [...adminCidrs].sort(),
    sourcePortRanges: ["*"],
    destinationAddressPrefixes: ["*"],
    destinationPortRanges: ["22"],
  };
}

export interface RulesPlan {
  /** The whole rule set to write, or undefined when ours is as it should be. */
  readonly write?: readonly SecurityRule[];
  /** Why the write is needed. */
  readonly why?: string;
  /** Inbound allow rules that are not ours: reported, never deleted. */
  readonly foreign: readonly SecurityRule[];
}

/** What to do with a group's rules: ours made exact, everyone else's kept as they are. */
export function planRules(existing: readonly SecurityRule[], adminCidrs: readonly string[]): RulesPlan {
  const ours = existing.find((r) => r.name === SSH_RULE_NAME);
  const others = existing.filter((r) => r.name !== SSH_RULE_NAME);
  const foreign = others.filter((r) => r.direction === "Inbound" && r.access === "Allow");
  const taken = new Set(others.filter((r) => r.direction === "Inbound").map((r) => r.priority));
  const priority =
    ours && !taken.has(ours.priority)
      ? ours.priority
      : (Array.from({ length: 4096 - PREFERRED_PRIORITY + 1 }, (_, i) => PREFERRED_PRIORITY + i).find(
          (p) => !taken.has(p),
        ) ?? PREFERRED_PRIORITY);
  const wanted = sshRule(adminCidrs, priority);
  if (ours && sameRule(ours, wanted)) return { foreign };
  return {
    write: [...others, wanted],
    why: ours
      ? `rule ${SSH_RULE_NAME} allows ${describe(ours)}; it must allow exactly ${describe(wanted)}`
      : `rule ${SSH_RULE_NAME} (${describe(wanted)}) is missing`,
    foreign,
  };
}

export function describe(rule: SecurityRule): string {
  return `${rule.access.toLowerCase()} ${rule.protocol} port ${rule.destinationPortRanges.join(",")} from ${rule.sourceAddressPrefixes.join(", ")}`;
}

function sameRule(a: SecurityRule, b: SecurityRule): boolean {
  const set = (v: readonly string[]) => [...v].sort().join(",");
  return (
    a.direction === b.direction &&
    a.access === b.access &&
    a.protocol.toLowerCase() === b.protocol.toLowerCase() &&
    set(a.sourceAddressPrefixes) === set(b.sourceAddressPrefixes) &&
    set(a.sourcePortRanges) === set(b.sourcePortRanges) &&
    set(a.destinationAddressPrefixes) === set(b.destinationAddressPrefixes) &&
    set(a.destinationPortRanges) === set(b.destinationPortRanges)
  );
}

import { isIPv6 } from "node:net";
import { cidrProblem, parseCidr } from "./cidr.js";

/** The widest source an admin rule may have without --allow-any-source: a /8 (IPv4) or /32 (IPv6). */
const WIDEST_V4 = 8;
const WIDEST_V6 = 32;

/** Why `text` is not an IPv4 or IPv6 CIDR, in words; undefined when it is one. */
export function adminCidrProblem(text: string): string | undefined {
  if (!text.includes(":")) return cidrProblem(text);
  const match = /^([0-9a-fA-F:.]+)\/(\d{1,3})$/.exec(text);
  if (!match || !isIPv6(match[1] as string) || Number(match[2]) > 128)
    return "must be an IPv4 CIDR like 203.0.113.4/32 or an IPv6 CIDR like 2001:db8::1/128";
  return undefined;
}

/** The prefix length of a valid admin CIDR. */
export function prefixBits(text: string): number {
  if (text.includes(":")) return Number(text.split("/")[1]);
  return parseCidr(text)?.bits ?? 32;
}

/** The CIDRs that open SSH to too much of the internet (0.0.0.0/0, ::/0, anything wider than /8). */
export function tooWide(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => prefixBits(c) < (c.includes(":") ? WIDEST_V6 : WIDEST_V4));
}

/** The problem line for a too-wide admin CIDR: the field, the value, the fix. */
export function tooWideProblem(cidrs: readonly string[]): string | undefined {
  const wide = tooWide(cidrs);
  if (!wide.length) return undefined;
  const whole = wide.some((c) => c === "0.0.0.0/0" || c === "::/0");
  return `adminCidrs: ${wide.map((c) => JSON.stringify(c)).join(", ")} would open SSH to ${whole ? "the whole internet" : "a range wider than /8"}; list your own addresses (or "auto"), or pass --allow-any-source if you really mean it`;
}

/** IPv4 CIDR arithmetic, enough to keep networks private and subnets inside their VNet. */
export interface Cidr {
  readonly base: number;
  readonly bits: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (base % size !== 0) return undefined; // host bits set: ambiguous, Azure rejects it too
  return { base, bits };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.bits >= outer.bits &&
    Math.floor(inner.base / 2 ** (32 - outer.bits)) === Math.floor(outer.base / 2 ** (32 - outer.bits))
  );
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c) as Cidr);

export function isPrivate(cidr: Cidr): boolean {
  return PRIVATE.some((p) => contains(p, cidr));
}

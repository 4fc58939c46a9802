/** IPv4 CIDR arithmetic, enough to keep networks private and subnets inside their VNet. */
export interface Cidr {
  readonly base: number;
  readonly bits: number;
}

export function parseCidr(text: string): Cidr | undefined {
  return cidrProblem(text) === undefined ? parsed(text) : undefined;
}

/** Why `text` is not a plain IPv4 CIDR, in words; undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return "must be an IPv4 CIDR like 10.42.0.0/16";
  const fields = match.slice(1, 6);
  // "010" is 10 to Azure's parser and 8 to others: refuse rather than guess.
  if (fields.some((f) => f.length > 1 && f.startsWith("0")))
    return `must not have leading zeros (write ${fields.slice(0, 4).map(Number).join(".")}/${Number(fields[4])})`;
  const cidr = parsed(text);
  if (!cidr) return "must be an IPv4 CIDR like 10.42.0.0/16 (each part 0-255, prefix 0-32)";
  const size = 2 ** (32 - cidr.bits);
  if (cidr.base % size !== 0) {
    // Host bits set: ambiguous, and Azure rejects it too.
    const base = Math.floor(cidr.base / size) * size;
    return `has host bits set (did you mean ${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".")}/${cidr.bits}?)`;
  }
  return undefined;
}

function parsed(text: string): Cidr | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return { base: octets.reduce((acc, o) => acc * 256 + o, 0), bits };
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

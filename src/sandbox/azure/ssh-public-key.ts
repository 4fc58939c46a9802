/**
 * Reads an OpenSSH public key line ("ssh-ed25519 AAAA… comment") as Azure checks it for Linux VMs
 * and sshPublicKeys: ssh-ed25519, or ssh-rsa of at least 2048 bits, with a well-formed key blob.
 */
export type SshKeyCheck =
  | { readonly ok: true; readonly type: "ssh-rsa" | "ssh-ed25519"; readonly bits: number }
  | { readonly ok: false; readonly reason: string };

const MIN_RSA_BITS = 2048;

export function checkSshPublicKey(line: string): SshKeyCheck {
  const [type, data] = line.trim().split(/\s+/);
  if (type !== "ssh-rsa" && type !== "ssh-ed25519") {
    return { ok: false, reason: `key type "${type ?? ""}" is not ssh-rsa or ssh-ed25519` };
  }
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { ok: false, reason: "the key data is not base64" };
  const blob = Buffer.from(data, "base64");
  const fields = readFields(blob);
  if (!fields || fields[0]?.toString("latin1") !== type) {
    return { ok: false, reason: "the key data does not hold a key of the type it names" };
  }
  if (type === "ssh-ed25519") {
    return fields.length === 2 && fields[1]?.length === 32
      ? { ok: true, type, bits: 256 }
      : { ok: false, reason: "an ssh-ed25519 key is 32 bytes" };
  }
  const modulus = fields.length === 3 ? fields[2] : undefined;
  if (!modulus) return { ok: false, reason: "an ssh-rsa key has an exponent and a modulus" };
  const bits = bitLength(modulus);
  if (bits < MIN_RSA_BITS)
    return { ok: false, reason: `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are needed` };
  return { ok: true, type, bits };
}

/** The length-prefixed strings of an SSH wire-format blob; null when they do not fill it exactly. */
function readFields(blob: Buffer): Buffer[] | null {
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    if (at + 4 > blob.length) return null;
    const length = blob.readUInt32BE(at);
    at += 4;
    if (at + length > blob.length) return null;
    fields.push(blob.subarray(at, at + length));
    at += length;
  }
  return fields;
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i += 1;
  const top = mpint[i];
  if (top === undefined) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(top));
}

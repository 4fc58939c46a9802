import { generateKeyPairSync, randomBytes } from "node:crypto";

export type KeyType = "ed25519" | "rsa";

export interface OpenSshKeyPair {
  /** OpenSSH's own private key format (openssh-key-v1), unencrypted. A secret: never printed. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA… comment` or `ssh-rsa AAAA… comment`. */
  readonly publicKey: string;
}

/**
 * A new key pair in OpenSSH's formats, made with node:crypto (Ed25519, or RSA 4096: Azure takes
 * ssh-ed25519 and ssh-rsa of 2048 bits or more). Written by hand rather than by ssh2's generator,
 * which drops leading zero bytes of ed25519 keys (mscdex/ssh2 issue 1390); the same technique as
 * the sandbox VM's host key writer.
 */
export function generateOpenSshKey(type: KeyType, comment: string): OpenSshKeyPair {
  const parts = type === "ed25519" ? ed25519Parts() : rsaParts();
  const check = randomBytes(4);
  const secret = Buffer.concat([check, check, parts.privateFields, sshString(Buffer.from(comment))]);
  // The private section is padded with 1, 2, 3… to the cipher's block size (8 for "none").
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString(Buffer.from("none")),
    sshString(Buffer.from("none")),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(parts.publicBlob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  const armour = (edge: string) => `-----${edge} OPENSSH PRIVATE KEY-----`;
  return {
    privateKey: `${armour("BEGIN")}\n${lines.join("\n")}\n${armour("END")}\n`,
    publicKey: `${parts.name} ${parts.publicBlob.toString("base64")} ${comment}`,
  };
}

interface KeyParts {
  readonly name: string;
  readonly publicBlob: Buffer;
  /** The key's fields in the private section, after the check words and before the comment. */
  readonly privateFields: Buffer;
}

function ed25519Parts(): KeyParts {
  const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d ?? "", "base64url");
  const pub = Buffer.from(jwk.x ?? "", "base64url");
  const name = Buffer.from("ssh-ed25519");
  return {
    name: "ssh-ed25519",
    publicBlob: Buffer.concat([sshString(name), sshString(pub)]),
    privateFields: Buffer.concat([sshString(name), sshString(pub), sshString(Buffer.concat([seed, pub]))]),
  };
}

function rsaParts(): KeyParts {
  const jwk = generateKeyPairSync("rsa", { modulusLength: 4096 }).privateKey.export({ format: "jwk" });
  const field = (v: string | undefined) => mpint(Buffer.from(v ?? "", "base64url"));
  const name = sshString(Buffer.from("ssh-rsa"));
  return {
    name: "ssh-rsa",
    publicBlob: Buffer.concat([name, field(jwk.e), field(jwk.n)]),
    // OpenSSH's order: n, e, d, iqmp, p, q.
    privateFields: Buffer.concat([
      name,
      field(jwk.n),
      field(jwk.e),
      field(jwk.d),
      field(jwk.qi),
      field(jwk.p),
      field(jwk.q),
    ]),
  };
}

/** SSH's mpint: big-endian, no leading zero bytes, one zero byte added when the top bit is set. */
function mpint(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  const bytes = value.subarray(start);
  const signed = bytes.length && (bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return sshString(signed);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data]);
}

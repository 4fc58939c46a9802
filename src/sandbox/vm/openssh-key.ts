import { generateKeyPairSync, randomBytes } from "node:crypto";

export interface OpenSshKeyPair {
  /** OpenSSH's own private key file format (openssh-key-v1, PEM-armoured), unencrypted. */
  readonly private: string;
  /** `ssh-ed25519 AAAA… comment`. */
  readonly public: string;
}

/**
 * A new ed25519 key pair in OpenSSH's formats. Not ssh2's generator: it strips leading zero bytes
 * from the public key, so about one key in 256 comes out malformed (mscdex/ssh2 issue 1390).
 */
export function generateEd25519(comment: string): OpenSshKeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (jwk.d === undefined || jwk.x === undefined) throw new Error("node did not export the ed25519 key");
  const seed = Buffer.from(jwk.d, "base64url");
  const pub = Buffer.from(jwk.x, "base64url");
  const type = Buffer.from("ssh-ed25519");
  const publicBlob = Buffer.concat([sshString(type), sshString(pub)]);
  const check = randomBytes(4);
  const secret = Buffer.concat([
    check,
    check,
    sshString(type),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(Buffer.from(comment)),
  ]);
  // The private section is padded with 1, 2, 3… to the cipher's block size (8 for "none").
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0"),
    sshString(Buffer.from("none")),
    sshString(Buffer.from("none")),
    sshString(Buffer.alloc(0)),
    uint32(1),
    sshString(publicBlob),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString("base64").match(/.{1,70}/g) ?? [];
  return {
    private: `${armor("BEGIN")}\n${lines.join("\n")}\n${armor("END")}\n`,
    public: `ssh-ed25519 ${publicBlob.toString("base64")} ${comment}`,
  };
}

/** The PEM armour line OpenSSH writes around its key files. */
function armor(edge: "BEGIN" | "END"): string {
  return `-----${edge} OPENSSH PRIVATE KEY-----`;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data]);
}

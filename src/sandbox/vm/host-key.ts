import { createHash } from "node:crypto";
import { chmod } from "node:fs/promises";
import ssh2 from "ssh2";
import { readIfExists, writeFileAtomic } from "./fs-util.js";
import { generateEd25519 } from "./openssh-key.js";
import { VmHostError } from "./vm-error.js";

const { utils } = ssh2;

export interface HostKey {
  /** OpenSSH private key text, for ssh2's Server. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…`, the line a known_hosts file holds after the host name. */
  readonly publicKey: string;
  /** `SHA256:<base64, no padding>`, as `ssh-keygen -lf` and OpenSSH's prompts print it. */
  readonly fingerprint: string;
}

/**
 * The VM's ed25519 host key, made on first start and kept 0600 in the VM folder, so that clients
 * that pinned it keep trusting the VM across sandbox restarts (a real VM keeps its key on its disk).
 */
export async function loadOrCreateHostKey(path: string): Promise<HostKey> {
  let text = await readIfExists(path);
  if (text === undefined) {
    text = generateEd25519("sandbox-vm-host").private;
    await writeFileAtomic(path, text, 0o600);
  } else {
    await chmod(path, 0o600);
  }
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error || !parsed.isPrivateKey() || parsed.type !== "ssh-ed25519") {
    throw new VmHostError(
      "VM_BAD_HOST_KEY",
      `the sandbox VM host key ${path} is not an OpenSSH ed25519 private key: delete it and a new one is made (clients that pinned the old key will then refuse the VM)`,
    );
  }
  const blob = parsed.getPublicSSH();
  return {
    privateKey: text,
    publicKey: `${parsed.type} ${blob.toString("base64")}`,
    fingerprint: fingerprintOf(blob),
  };
}

/** OpenSSH's SHA256 fingerprint of a public key blob (the wire encoding). */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(publicKeyBlob).digest("base64").replace(/=+$/, "")}`;
}

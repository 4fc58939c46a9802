import { dirname, join } from "node:path";
import type { utils as Ssh2Utils } from "ssh2";
import { userError } from "../errors.js";
import { ensurePrivateDir, writeFileAtomic } from "../util/atomic-file.js";
import { readRegularFile } from "../util/safe-read.js";

export interface LocalKey {
  /** OpenSSH private key text: a secret, never printed or logged. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA…` (no comment): what Azure and authorized_keys hold. */
  readonly publicKey: string;
  readonly type: "ed25519" | "rsa";
}

/** Where the VM's private key lives: in the state folder, in a 0700 folder of its own. */
export function keyPathOf(stateDir: string, keyName: string): string {
  return join(stateDir, "ssh", keyName);
}

/** The key at `path`, or undefined when there is none. Never through a link. */
export async function readKeyFile(path: string): Promise<LocalKey | undefined> {
  const read = await readRegularFile(path, { followLinks: false, maxBytes: 64 * 1024 });
  if (!read.ok && read.reason === "missing") return undefined;
  if (!read.ok)
    throw userError(
      "UNSAFE_FILE",
      `the SSH key ${path} cannot be read: ${read.reason === "error" ? read.errno : read.reason === "not-regular" ? read.kind : read.reason}`,
      "it must be a regular file of yours (0600), not a link; move whatever is there away",
    );
  const { utils }: { utils: typeof Ssh2Utils } = (await import("ssh2")).default;
  const key = utils.parseKey(read.text);
  if (key instanceof Error || !key.isPrivateKey() || (key.type !== "ssh-ed25519" && key.type !== "ssh-rsa"))
    throw userError(
      "UNSAFE_FILE",
      `${path} is not an unencrypted OpenSSH ed25519 or RSA private key`,
      "move it away: oidc-bridge then makes a new key (and the VM must be rebuilt to accept it)",
    );
  return {
    privateKey: read.text,
    publicKey: `${key.type} ${key.getPublicSSH().toString("base64")}`,
    type: key.type === "ssh-rsa" ? "rsa" : "ed25519",
  };
}

/** Writes the private key 0600, atomically, in a 0700 folder (refused if that folder is open to others). */
export async function writeKeyFile(path: string, privateKey: string): Promise<void> {
  await ensurePrivateDir(dirname(path));
  await writeFileAtomic(path, privateKey);
}

/** The key is needed and gone: the VM only accepts that key, so a new one would not help. */
export function keyMissing(path: string): Error {
  return userError(
    "SSH_KEY_MISSING",
    `the VM's private key ${path} is missing`,
    "restore it from a backup (it is the only key the VM accepts), or, to start over, delete the VM and its sshPublicKeys resource and run `oidc-bridge vm` again",
  );
}

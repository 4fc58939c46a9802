import { timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { ParsedKey } from "ssh2";
import { ensurePrivateDir, readIfExists, writeFileAtomic } from "./fs-util.js";
import { VmHostError } from "./vm-error.js";

const { utils } = ssh2;

/** The key types Azure accepts for a Linux VM's admin (and so the only ones this VM honours). */
const KEY_TYPES = new Set(["ssh-ed25519", "ssh-rsa"]);

export interface AuthorizedKey {
  readonly type: string;
  readonly blob: Buffer;
  readonly key: ParsedKey;
}

export function authorizedKeysPath(home: string): string {
  return join(home, ".ssh", "authorized_keys");
}

/**
 * One `authorized_keys` line: optional options, then type, base64 blob, optional comment. Options
 * (from=, command=, …) are not enforced by the sandbox, so a line with options is still a plain grant.
 */
export function parseAuthorizedKeyLine(line: string): AuthorizedKey | undefined {
  const words = line.trim().split(/\s+/);
  const at = words.findIndex((w) => KEY_TYPES.has(w));
  const type = at >= 0 ? words[at] : undefined;
  const data = at >= 0 ? words[at + 1] : undefined;
  if (type === undefined || data === undefined) return undefined;
  const key = utils.parseKey(`${type} ${data}`);
  if (key instanceof Error || key.type !== type) return undefined;
  return { type, blob: key.getPublicSSH(), key };
}

/** Checks the keys the VM is created with; a bad one is the caller's error, named by its index. */
export function parseGivenKeys(keys: readonly string[]): AuthorizedKey[] {
  return keys.map((line, i) => {
    const parsed = parseAuthorizedKeyLine(line);
    if (parsed === undefined) {
      const shown = line.length > 40 ? `${line.slice(0, 40)}…` : line;
      throw new VmHostError(
        "VM_BAD_PUBLIC_KEY",
        `authorizedKeys[${i}] "${shown}" is not an OpenSSH public key line of type ssh-ed25519 or ssh-rsa: pass the "ssh-ed25519 AAAA…" line of the admin's key`,
      );
    }
    return parsed;
  });
}

/**
 * Writes the admin's keys into `~/.ssh/authorized_keys` at the VM's first start, as cloud-init does
 * once per instance on Azure. Later starts leave the file alone: the admin may have changed it.
 */
export async function installAuthorizedKeys(home: string, given: readonly string[]): Promise<void> {
  const path = authorizedKeysPath(home);
  await ensurePrivateDir(join(home, ".ssh"));
  if ((await readIfExists(path)) !== undefined) return;
  await writeFileAtomic(path, given.map((line) => `${line.trim()}\n`).join(""), 0o600);
}

/** The grants sshd would read now: the file, as the admin may have changed it since creation. */
export async function readAuthorizedKeys(home: string): Promise<AuthorizedKey[]> {
  const text = (await readIfExists(authorizedKeysPath(home))) ?? "";
  return text.split("\n").flatMap((line) => (line.trim().startsWith("#") ? [] : (parseAuthorizedKeyLine(line) ?? [])));
}

export function sameBlob(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

import { createHash } from "node:crypto";
import { userError, type BridgeError } from "../errors.js";

/** OpenSSH's SHA256 fingerprint of a host key blob (as `ssh-keygen -lf` prints it). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The error of a host key that is not the one pinned: never re-accepted silently. */
export function hostKeyChanged(target: string, pinned: string, presented: string): BridgeError {
  return userError(
    "HOST_KEY_CHANGED",
    `the SSH host key of ${target} changed: pinned ${pinned}, presented ${presented}. Someone may be intercepting the connection, or the VM was rebuilt`,
    "if you rebuilt the VM yourself, check the new fingerprint on the VM's serial console (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then clear the pin: remove hostKeyFingerprint from the azure-virtual-machine record in the state file and run `oidc-bridge vm` again",
  );
}

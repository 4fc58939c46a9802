import { userError } from "../errors.js";
import type { VmAccess } from "../cloud/vm-access.js";
import type { RecordedVm } from "../resources/vm/virtual-machine.js";
import type { VmLogin } from "./host-port.js";
import { keyMissing, readKeyFile } from "./key-file.js";
import { connectSsh, SshConnectError, sshFailure, type SshHost, type SshTarget } from "./ssh-host.js";

/** How to log in to a recorded VM, or undefined when its host key was never pinned (not ready). */
export function loginOf(vm: RecordedVm | undefined): VmLogin | undefined {
  if (!vm?.hostKeyFingerprint) return undefined;
  return {
    vmName: vm.name,
    user: vm.adminUsername,
    address: vm.publicIp,
    keyPath: vm.keyPath,
    hostKeyFingerprint: vm.hostKeyFingerprint,
  };
}

/**
 * Connects to the VM with the recorded key and the pinned host key, through the address this
 * machine reaches it by (the sandbox maps a public IP to its own listener). Every VM command of
 * `ssh`, `configure` and `verify` goes this way.
 */
export async function connectVm(login: VmLogin, access: VmAccess): Promise<SshHost> {
  const label = `${login.user}@${login.address}`;
  const key = await readKeyFile(login.keyPath);
  if (!key) throw keyMissing(login.keyPath);
  const address = await access.sshAddress(login.address);
  if (!address)
    throw userError("SSH_FAILED", `nothing listens for SSH on ${label}`, "check that the VM runs (`oidc-bridge vm`)");
  const target: SshTarget = {
    ...address,
    username: login.user,
    privateKey: key.privateKey,
    hostKeyFingerprint: login.hostKeyFingerprint,
    label,
  };
  try {
    return await connectSsh(target);
  } catch (err) {
    throw err instanceof SshConnectError ? sshFailure(err, target) : err;
  }
}

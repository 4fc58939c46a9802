import { BridgeError } from "../errors.js";
import { CHECKIP_LISTENER, vmSshListenerName, type SandboxHandle } from "../sandbox/index.js";

export interface SshAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * How this machine reaches a VM and asks its own address. Real use: the VM's public IP on port 22
 * and the configured what-is-my-IP URL. Under --sandbox: the sandbox's listener for that public IP
 * and its own what-is-my-IP; the rest of the SSH code path is the same.
 */
export interface VmAccess {
  /** Undefined while there is nothing to connect to yet (a sandbox VM not yet listening). */
  sshAddress(publicIp: string): Promise<SshAddress | undefined>;
  checkIpUrl(configured: string): Promise<string>;
}

export function vmAccess(sandbox: SandboxHandle | undefined): VmAccess {
  if (!sandbox) {
    return {
      sshAddress: (publicIp) => Promise.resolve({ host: publicIp, port: 22 }),
      checkIpUrl: (configured) => Promise.resolve(configured),
    };
  }
  return {
    async sshAddress(publicIp) {
      const url = await sandbox.endpoint(vmSshListenerName(publicIp));
      if (url === undefined) return undefined;
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port) };
    },
    async checkIpUrl() {
      const url = await sandbox.endpoint(CHECKIP_LISTENER);
      // Never the real service: a sandbox run touches nothing outside this machine.
      if (url === undefined)
        throw new BridgeError('the sandbox serves no what-is-my-IP endpoint, which adminCidrs "auto" needs', {
          code: "ADMIN_ADDRESS_UNKNOWN",
          hint: 'set adminCidrs (or OIDC_BRIDGE_ADMIN_CIDRS) to an address, e.g. "198.51.100.7/32"',
        });
      return url;
    },
  };
}

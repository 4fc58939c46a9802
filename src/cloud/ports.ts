import type { OidcProviderPort, RolePort, SsmPort, StsPort } from "./aws/ports.js";
import type { AzureSignInPort, IdentityPort, ResourceGroupPort } from "./azure/ports.js";
import type { CloudSession } from "./session.js";
import type { HostPort, VmAccess } from "../remote/host-port.js";
import { vmHosts } from "../remote/vm-hosts.js";

/**
 * Every port a resource may use, each made on first use and once per run: a command that only
 * touches IAM never loads the Azure SDK. Network, compute and S3 join here as their own ports.
 */
export interface CloudPorts {
  sts(): Promise<StsPort>;
  oidcProviders(): Promise<OidcProviderPort>;
  roles(): Promise<RolePort>;
  ssm(): Promise<SsmPort>;
  signIn(): Promise<AzureSignInPort>;
  resourceGroups(): Promise<ResourceGroupPort>;
  identities(): Promise<IdentityPort>;
  /** The VM over SSH: one connection per VM per run, with the pinned host key. */
  vmHost(access: VmAccess): Promise<HostPort>;
  /** Ends what the ports hold open (SSH connections); the run calls it once, at the end. */
  close(): Promise<void>;
}

export function createCloudPorts(session: CloudSession): CloudPorts {
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  // SSH is loaded only when a command reaches the VM.
  const hosts = vmHosts(async (access) => (await import("../remote/ssh-host.js")).connectSsh(access, session));
  return {
    vmHost: (access) => hosts.open(access),
    close: () => hosts.close(),
    sts: once(async () => (await import("./aws/sts-adapter.js")).createStsPort(session.aws)),
    oidcProviders: once(async () => (await import("./aws/iam-adapters.js")).createOidcProviderPort(session.aws)),
    roles: once(async () => (await import("./aws/iam-adapters.js")).createRolePort(session.aws)),
    ssm: once(async () => (await import("./aws/ssm-adapter.js")).createSsmPort(session.aws)),
    signIn: once(async () => (await import("./azure/sign-in-adapter.js")).createSignInPort(session.azure)),
    resourceGroups: once(async () =>
      (await import("./azure/resource-adapters.js")).createResourceGroupPort(session.azure),
    ),
    identities: once(async () => (await import("./azure/resource-adapters.js")).createIdentityPort(session.azure)),
  };
}

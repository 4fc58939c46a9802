import type { OidcProviderPort, RolePort, SsmPort, StsPort } from "./aws/ports.js";
import type { ArmResourcePort, AzureSignInPort, IdentityPort, ResourceGroupPort } from "./azure/ports.js";
import type { ComputePort, NetworkPort } from "./azure/vm-ports.js";
import type { CloudSession } from "./session.js";
import type { HostPort, VmLogin } from "../remote/host-port.js";
import { vmHosts } from "../remote/vm-hosts.js";
import { vmAccess, type VmAccess } from "./vm-access.js";

/**
 * Every port a resource may use, each made on first use and once per run: a command that only
 * touches IAM never loads the Azure SDK. S3 joins here as its own port.
 */
export interface CloudPorts {
  sts(): Promise<StsPort>;
  oidcProviders(): Promise<OidcProviderPort>;
  roles(): Promise<RolePort>;
  ssm(): Promise<SsmPort>;
  signIn(): Promise<AzureSignInPort>;
  resourceGroups(): Promise<ResourceGroupPort>;
  identities(): Promise<IdentityPort>;
  /** Any ARM resource by id (destroy, status --refresh). */
  armResources(): Promise<ArmResourcePort>;
  network(): Promise<NetworkPort>;
  compute(): Promise<ComputePort>;
  /** How the VM and this machine's own address are reached (the sandbox maps both). */
  readonly vm: VmAccess;
  /** The VM over SSH: one connection per VM per run, with the pinned host key. */
  vmHost(access: VmLogin): Promise<HostPort>;
  /** Ends what the ports hold open (SSH connections); the run calls it once, at the end. */
  close(): Promise<void>;
}

export function createCloudPorts(session: CloudSession): CloudPorts {
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const vm = vmAccess(session.sandbox);
  // SSH is loaded only when a command reaches the VM.
  const hosts = vmHosts(async (login) => (await import("../remote/vm-login.js")).connectVm(login, vm));
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
    armResources: once(async () =>
      (await import("./azure/arm-generic-adapter.js")).createArmResourcePort(session.azure),
    ),
    network: once(async () => (await import("./azure/network-adapter.js")).createNetworkPort(session.azure)),
    compute: once(async () => (await import("./azure/compute-adapter.js")).createComputePort(session.azure)),
    vm,
  };
}

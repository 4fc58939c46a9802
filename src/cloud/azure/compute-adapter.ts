import type { VirtualMachine as SdkVm } from "@azure/arm-compute";
import type { AzureSettings } from "./settings.js";
import type { ComputePort, SshPublicKey, VirtualMachine } from "./vm-ports.js";
import { call, findable } from "./arm-call.js";
import { armBasics, LRO_OPTIONS } from "./arm-basics.js";

function toVm(vm: SdkVm): VirtualMachine {
  const image = vm.storageProfile?.imageReference;
  const linux = vm.osProfile?.linuxConfiguration;
  return {
    id: vm.id ?? "",
    vmId: vm.vmId ?? "",
    provisioningState: vm.provisioningState ?? "",
    size: vm.hardwareProfile?.vmSize ?? "",
    image: [image?.publisher, image?.offer, image?.sku, image?.version].map((p) => p ?? "").join(":"),
    adminUsername: vm.osProfile?.adminUsername ?? "",
    identityIds: Object.keys(vm.identity?.userAssignedIdentities ?? {}).map((id) => id.toLowerCase()),
    nicIds: (vm.networkProfile?.networkInterfaces ?? []).map((n) => n.id ?? ""),
    sshKeys: (linux?.ssh?.publicKeys ?? []).map((k) => k.keyData ?? ""),
    passwordLogin: linux?.disablePasswordAuthentication !== true,
    tags: { ...(vm.tags ?? {}) },
  };
}

/** The config field behind a VM refused for its admin name (the message alone does not say). */
function vmHint(err: { code?: string; message?: string }): string | undefined {
  if (err.code === "InvalidParameter" && /Admin Username/i.test(err.message ?? ""))
    return "choose another azure.vm.adminUsername: Azure reserves admin, administrator, root, user, guest and others (the default adminuser is allowed)";
  return undefined;
}

/** Microsoft.Compute over @azure/arm-compute (imported lazily, here only). */
export async function createComputePort(settings: AzureSettings): Promise<ComputePort> {
  const [{ ComputeManagementClient }, basics] = await Promise.all([import("@azure/arm-compute"), armBasics(settings)]);
  const compute = new ComputeManagementClient(basics.credential, basics.subscriptionId, basics.clientOptions);
  const toKey = (k: {
    id?: string | undefined;
    publicKey?: string | undefined;
    tags?: Record<string, string> | undefined;
  }): SshPublicKey => ({ id: k.id ?? "", publicKey: k.publicKey, tags: { ...(k.tags ?? {}) } });

  return {
    async getSshKey(rg, name) {
      const key = await findable(`ARM get SSH public key ${name}`, () => compute.sshPublicKeys.get(rg, name));
      return key && toKey(key);
    },
    async createSshKey(rg, name, location, publicKey, tags) {
      return toKey(
        await call(`ARM create SSH public key ${name}`, () =>
          compute.sshPublicKeys.create(rg, name, { location, publicKey, tags: { ...tags } }),
        ),
      );
    },
    async getVm(rg, name) {
      const vm = await findable(`ARM get virtual machine ${name}`, () => compute.virtualMachines.get(rg, name));
      return vm && toVm(vm);
    },
    async provisioningState(rg, name) {
      const view = await findable(`ARM read instance view of virtual machine ${name}`, () =>
        compute.virtualMachines.instanceView(rg, name),
      );
      const status = view?.statuses?.find((s) => s.code?.startsWith("ProvisioningState/"));
      return status?.code?.slice("ProvisioningState/".length);
    },
    async createVm(rg, name, spec) {
      const { publisher, offer, sku, version } = spec.image;
      const body: SdkVm = {
        location: spec.location,
        tags: { ...spec.tags },
        identity: { type: "UserAssigned", userAssignedIdentities: { [spec.identityId]: {} } },
        hardwareProfile: { vmSize: spec.size },
        storageProfile: {
          imageReference: { publisher, offer, sku, version },
          // Azure's default (Detach) would leave the disk behind, and with it the resource group
          // that destroy may only delete when it holds nothing but ours.
          osDisk: {
            createOption: "FromImage",
            deleteOption: "Delete",
            managedDisk: { storageAccountType: "Standard_LRS" },
          },
        },
        osProfile: {
          computerName: name,
          adminUsername: spec.adminUsername,
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: {
              publicKeys: [{ path: `/home/${spec.adminUsername}/.ssh/authorized_keys`, keyData: spec.publicKey }],
            },
          },
        },
        networkProfile: { networkInterfaces: [{ id: spec.nicId, primary: true }] },
        userData: spec.userData,
      };
      return toVm(
        await call(
          `ARM create virtual machine ${name}`,
          () => compute.virtualMachines.beginCreateOrUpdateAndWait(rg, name, body, LRO_OPTIONS),
          vmHint,
        ),
      );
    },
    async attachIdentity(rg, name, identityId) {
      // As `az vm identity assign` does: the VM as it is, with one more identity, written back whole.
      const vm = await call(`ARM get virtual machine ${name}`, () => compute.virtualMachines.get(rg, name));
      const kept = Object.fromEntries(Object.keys(vm.identity?.userAssignedIdentities ?? {}).map((id) => [id, {}]));
      const system = vm.identity?.type?.includes("SystemAssigned") === true;
      const updated: SdkVm = {
        ...vm,
        identity: {
          type: system ? "SystemAssigned, UserAssigned" : "UserAssigned",
          userAssignedIdentities: { ...kept, [identityId]: {} },
        },
      };
      return toVm(
        await call(`ARM attach identity to virtual machine ${name}`, () =>
          compute.virtualMachines.beginCreateOrUpdateAndWait(rg, name, updated, LRO_OPTIONS),
        ),
      );
    },
  };
}

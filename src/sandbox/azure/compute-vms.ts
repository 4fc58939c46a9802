import { randomBytes, randomUUID } from "node:crypto";
import { SANDBOX_TENANT_ID } from "../constants.js";
import { fail, ok } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import { resourceTable } from "./arm-tracked.js";
import type { ArmHandler, ArmRoute } from "./arm-types.js";
import { COMPUTE_API_VERSIONS, VM_TYPE } from "./compute-common.js";
import { operationNotAllowed, parseVmBody, type VmInput } from "./compute-vm-input.js";
import { findIdentity } from "./identities.js";
import { invalidReference } from "./network-common.js";
import { attachNic, detachNic, findNic } from "./network-nics.js";
import { publicIpAddressOf } from "./network-public-ips.js";
import type { ArmResourceState, AzureState } from "./state.js";

/**
 * Microsoft.Compute/virtualMachines (fixtures vm-create-linux-ssh.json, vm-get.json,
 * vm-instanceview.json, vm-delete.json). PUT answers 201 `Creating` and runs as an
 * Azure-AsyncOperation (compute's status bodies: name, startTime, endTime); DELETE answers 202 and
 * runs the same way. The admin password and custom data are never echoed; each user-assigned
 * identity shows the principal and client id of the real identity, which must exist. A VM takes
 * its NICs (they show it, and a MAC address) and gives them back when deleted.
 *
 * Other parts of the sandbox (the per-VM SSH server, the instance metadata service) follow VMs
 * through `VirtualMachineEvent`s: "created" once the PUT has finished, "updated" after later PUTs,
 * "deleted" when the VM is gone (its own DELETE, or its resource group's).
 */

interface VmData extends Omit<VmInput, "identity" | "osDisk"> {
  vmId: string;
  osDisk: VmInput["osDisk"] & { name: string; diskSizeGB: number };
  computerName: string;
  identity?: {
    type: string;
    principalId?: string;
    userAssigned: Array<{ id: string; principalId: string; clientId: string }>;
  };
  timeCreated: string;
  /** The VM's etag is a version number ("\"1\""), counted up on each change. */
  version: number;
  /** Whether "created" has been announced. */
  announced: boolean;
}

export interface VirtualMachineInfo {
  readonly id: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly vmId: string;
  readonly computerName: string;
  readonly adminUsername: string;
  /** OpenSSH public key lines from osProfile.linuxConfiguration.ssh.publicKeys. */
  readonly sshPublicKeys: readonly string[];
  readonly publicIpAddresses: readonly string[];
  readonly privateIpAddresses: readonly string[];
  readonly userAssignedIdentities: ReadonlyArray<{ id: string; principalId: string; clientId: string }>;
  readonly systemAssignedPrincipalId?: string;
  /** Base64, as given (cloud-init reads customData; userData is for the workload). */
  readonly customData?: string;
  readonly userData?: string;
}

export interface VirtualMachineEvent {
  readonly kind: "created" | "updated" | "deleted";
  readonly vm: VirtualMachineInfo;
}

export function vmInfo(vm: ArmResourceState<VmData>, state: AzureState): VirtualMachineInfo {
  const nics = vm.data.nics.map((n) => findNic(state, n.id)).filter((n) => n !== undefined);
  const configs = nics.flatMap((nic) => nic.data.ipConfigurations);
  const publicIps = configs
    .map((c) => (c.publicIpId ? publicIpAddressOf(state.resources[c.publicIpId.toLowerCase()]) : undefined))
    .filter((ip) => ip !== undefined);
  return {
    id: vm.id,
    name: vm.name,
    resourceGroup: vm.resourceGroup,
    location: vm.location ?? "",
    vmId: vm.data.vmId,
    computerName: vm.data.computerName,
    adminUsername: vm.data.adminUsername,
    sshPublicKeys: vm.data.sshPublicKeys.map((k) => k.keyData),
    publicIpAddresses: publicIps,
    privateIpAddresses: configs.map((c) => c.privateIp),
    userAssignedIdentities: vm.data.identity?.userAssigned ?? [],
    ...(vm.data.identity?.principalId ? { systemAssignedPrincipalId: vm.data.identity.principalId } : {}),
    ...(vm.data.customData ? { customData: vm.data.customData } : {}),
    ...(vm.data.userData ? { userData: vm.data.userData } : {}),
  };
}

/** Every VM whose creation has finished, for listeners that start after the sandbox. */
export function listVirtualMachines(state: AzureState): VirtualMachineInfo[] {
  return Object.values(state.resources)
    .filter((r): r is ArmResourceState<VmData> => r.type === VM_TYPE && (r.data as VmData).announced)
    .map((vm) => vmInfo(vm, state));
}

const vmOf = (resource: ArmResourceState): ArmResourceState<VmData> => resource as ArmResourceState<VmData>;

/**
 * A NIC held by a VM was rewritten: its public IP may have changed without a VM PUT, so the VM's
 * followers hear "updated" (once the VM's own creation has been announced).
 */
export function nicChanged(state: AzureState, nic: ArmResourceState, emit: (event: VirtualMachineEvent) => void): void {
  const holder = (nic.data as { virtualMachineId?: string }).virtualMachineId;
  const vm = holder ? state.resources[holder.toLowerCase()] : undefined;
  if (vm?.type !== VM_TYPE || !vmOf(vm).data.announced) return;
  emit({ kind: "updated", vm: vmInfo(vmOf(vm), state) });
}

export function createVirtualMachinesTable(emit: (event: VirtualMachineEvent) => void) {
  return resourceTable<VmData, VmInput>({
    type: VM_TYPE,
    apiVersions: COMPUTE_API_VERSIONS,
    versionError: "provider",
    scope: "resourceGroup",
    operations: {
      put: "VirtualMachines_CreateOrUpdate",
      get: "VirtualMachines_Get",
      patch: "VirtualMachines_Update",
      delete: "VirtualMachines_Delete",
      listByParent: "VirtualMachines_List",
      listBySubscription: "VirtualMachines_ListAll",
    },
    lro: { put: "azure-async", delete: "azure-async", pendingState: "Creating", retryAfterSeconds: 10 },
    tracked: true,

    parse: (_name, body, req) => parseVmBody(body, req),
    build: (input, ctx) => {
      const existing = ctx.existing?.data;
      if (existing && existing.adminUsername !== input.adminUsername) {
        return fail(
          armError(
            400,
            "PropertyChangeNotAllowed",
            "Changing property 'osProfile.adminUsername' is not allowed.",
            ctx.req.operation,
            {
              target: "osProfile.adminUsername",
            },
          ),
        );
      }
      for (const ref of input.nics) {
        const nic = findNic(ctx.state, ref.id);
        if (!nic || nic.location !== ctx.location) return fail(invalidReference(ctx.req, ref.id, ctx.id));
        const holder = nic.data.virtualMachineId;
        if (holder && holder.toLowerCase() !== ctx.id.toLowerCase()) {
          return fail(
            armError(
              400,
              "NicInUse",
              `Network Interface ${nic.id} is used by existing resource ${holder}. A network interface can be ` +
                "used by one virtual machine only.",
              ctx.req.operation,
              { details: [] },
            ),
          );
        }
      }
      const userAssigned: Array<{ id: string; principalId: string; clientId: string }> = [];
      for (const id of input.identity?.userAssigned ?? []) {
        const identity = findIdentity(ctx.state, id);
        if (!identity) {
          return fail(
            armError(
              400,
              "FailedIdentityOperation",
              `Identity operation for resource '${ctx.id}' failed with error 'Failed to perform resource identity ` +
                `operation. Status: 'BadRequest'. Response: '{"error":{"code":"BadRequest","message":"Resource ` +
                `'${id}' was not found."}}'.'.`,
              ctx.req.operation,
            ),
          );
        }
        userAssigned.push({ id, principalId: identity.principalId, clientId: identity.clientId });
      }
      const { identity: _identity, osDisk, ...rest } = input;
      const systemAssigned = input.identity?.type.startsWith("SystemAssigned");
      return ok({
        ...rest,
        vmId: existing?.vmId ?? randomUUID(),
        computerName: input.computerName ?? existing?.computerName ?? ctx.name,
        osDisk: {
          ...osDisk,
          name: existing?.osDisk.name ?? osDisk.name ?? `${ctx.name}_OsDisk_1_${randomBytes(16).toString("hex")}`,
          diskSizeGB: osDisk.diskSizeGB ?? existing?.osDisk.diskSizeGB ?? 30,
        },
        ...(input.identity && input.identity.type !== "None"
          ? {
              identity: {
                type: input.identity.type,
                ...(systemAssigned ? { principalId: existing?.identity?.principalId ?? randomUUID() } : {}),
                userAssigned,
              },
            }
          : {}),
        timeCreated: existing?.timeCreated ?? new Date(ctx.nowMs).toISOString(),
        version: (existing?.version ?? 0) + 1,
        announced: existing?.announced ?? false,
      });
    },
    written: (vm, _input, ctx) => {
      const keep = new Set(vm.data.nics.map((n) => n.id.toLowerCase()));
      for (const nic of Object.values(ctx.state.resources)) {
        const held = (nic.data as { virtualMachineId?: string }).virtualMachineId;
        if (held?.toLowerCase() === vm.id.toLowerCase() && !keep.has(nic.id.toLowerCase()))
          detachNic(ctx.state, nic.id, vm.id);
      }
      for (const ref of vm.data.nics) attachNic(ctx.state, ref.id, vm.id);
    },
    provisioned: (resource, state) => {
      const vm = vmOf(resource);
      const kind = vm.data.announced ? "updated" : "created";
      vm.data.announced = true;
      emit({ kind, vm: vmInfo(vm, state) });
    },
    removing: (resource, state) => {
      const vm = vmOf(resource);
      for (const ref of vm.data.nics) detachNic(state, ref.id, vm.id);
      if (vm.data.announced) emit({ kind: "deleted", vm: vmInfo(vm, state) });
    },
    beingDeleted: (vm, req) => operationNotAllowed(req, vm.name),
    preempted: () => ({
      status: "Canceled",
      error: {
        code: "OperationPreempted",
        message: "Operation execution has been preempted by a more recent operation.",
      },
    }),
    view: (vm, _state, req) => vmView(vm, req?.raw.query.get("$expand") ?? ""),
  });
}

function vmView(vm: ArmResourceState<VmData>, expand: string): object {
  const d = vm.data;
  const expanded = new Set(expand.split(",").map((e) => e.trim().toLowerCase()));
  const diskId = `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup.toUpperCase()}/providers/Microsoft.Compute/disks/${d.osDisk.name}`;
  return {
    name: vm.name,
    id: vm.id,
    type: VM_TYPE,
    location: vm.location,
    ...(vm.tags ? { tags: vm.tags } : {}),
    ...(d.identity
      ? {
          identity: {
            type: d.identity.type,
            ...(d.identity.principalId ? { principalId: d.identity.principalId, tenantId: SANDBOX_TENANT_ID } : {}),
            ...(d.identity.userAssigned.length > 0
              ? {
                  userAssignedIdentities: Object.fromEntries(
                    d.identity.userAssigned.map((u) => [u.id, { principalId: u.principalId, clientId: u.clientId }]),
                  ),
                }
              : {}),
          },
        }
      : {}),
    ...(d.zones ? { zones: d.zones } : {}),
    etag: `"${d.version}"`,
    properties: {
      vmId: d.vmId,
      hardwareProfile: { vmSize: d.vmSize },
      storageProfile: {
        imageReference: {
          ...d.imageReference,
          ...(d.imageReference.version === "latest" ? { exactVersion: "1.0.0" } : {}),
        },
        osDisk: {
          osType: "Linux",
          name: d.osDisk.name,
          createOption: d.osDisk.createOption,
          caching: d.osDisk.caching,
          managedDisk: { storageAccountType: d.osDisk.storageAccountType, id: diskId },
          // Older records have none: Azure's default.
          deleteOption: d.osDisk.deleteOption ?? "Detach",
          diskSizeGB: d.osDisk.diskSizeGB,
        },
        dataDisks: [],
      },
      osProfile: {
        computerName: d.computerName,
        adminUsername: d.adminUsername,
        linuxConfiguration: {
          disablePasswordAuthentication: d.disablePasswordAuthentication,
          ...(d.sshPublicKeys.length > 0 ? { ssh: { publicKeys: d.sshPublicKeys } } : {}),
          provisionVMAgent: true,
          patchSettings: { patchMode: "ImageDefault", assessmentMode: "ImageDefault" },
        },
        secrets: [],
        allowExtensionOperations: true,
        requireGuestProvisionSignal: true,
      },
      networkProfile: {
        networkInterfaces: d.nics.map((n) => ({
          id: n.id,
          ...(n.primary !== undefined || n.deleteOption !== undefined
            ? {
                properties: {
                  ...(n.primary !== undefined ? { primary: n.primary } : {}),
                  ...(n.deleteOption !== undefined ? { deleteOption: n.deleteOption } : {}),
                },
              }
            : {}),
        })),
      },
      ...(d.diagnosticsProfile ? { diagnosticsProfile: d.diagnosticsProfile } : {}),
      ...(d.securityProfile ? { securityProfile: d.securityProfile } : {}),
      ...(expanded.has("userdata") && d.userData ? { userData: d.userData } : {}),
      ...(expanded.has("instanceview") ? { instanceView: instanceView(vm) } : {}),
      provisioningState: vm.provisioningState,
      timeCreated: d.timeCreated,
    },
  };
}

function instanceView(vm: ArmResourceState<VmData>): object {
  const d = vm.data;
  const time = d.timeCreated;
  const provisioning =
    vm.provisioningState === "Succeeded"
      ? { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time }
      : {
          code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
          level: "Info",
          displayStatus: vm.provisioningState,
        };
  const running = vm.provisioningState !== "Creating";
  const image = d.imageReference;
  const sku = typeof image.sku === "string" ? image.sku : "";
  const ubuntu = typeof image.publisher === "string" && image.publisher.toLowerCase() === "canonical";
  const version = /(\d{2})[._](\d{2})/.exec(sku);
  return {
    computerName: d.computerName,
    ...(ubuntu ? { osName: "ubuntu", ...(version ? { osVersion: `${version[1]}.${version[2]}` } : {}) } : {}),
    ...(running
      ? {
          vmAgent: {
            vmAgentVersion: "2.13.1.1",
            statuses: [
              {
                code: "ProvisioningState/succeeded",
                level: "Info",
                displayStatus: "Ready",
                message: "Guest Agent is running",
                time,
              },
            ],
            extensionHandlers: [],
          },
        }
      : {}),
    disks: [
      {
        name: d.osDisk.name,
        statuses: [
          { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time },
        ],
      },
    ],
    hyperVGeneration: /gen2/i.test(sku) ? "V2" : "V1",
    statuses: [
      provisioning,
      running
        ? { code: "PowerState/running", level: "Info", displayStatus: "VM running" }
        : { code: "PowerState/starting", level: "Info", displayStatus: "VM starting" },
    ],
  };
}

/** GET …/virtualMachines/{vm}/instanceView (VirtualMachines_InstanceView). */
export function instanceViewRoute(): ArmRoute {
  const handler: ArmHandler = async (req, env) => {
    const sub = req.params.subscriptionId ?? "";
    const rg = req.params.resourceGroupName ?? "";
    const name = req.params.name0 ?? "";
    const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${VM_TYPE}/${name}`;
    const vm = env.state.resources[id.toLowerCase()];
    if (vm?.type !== VM_TYPE) {
      return armError(
        404,
        "ResourceNotFound",
        `The Resource '${VM_TYPE}/${name}' under resource group '${rg}' was not found. For more details please go to ` +
          "https://aka.ms/ARMResourceNotFoundFix",
        req.operation,
      );
    }
    await env.ctx.latency(req.operation);
    return { status: 200, operation: req.operation, body: instanceView(vmOf(vm)) };
  };
  return {
    pattern: `subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/${VM_TYPE}/{name0}/instanceView`,
    apiVersions: COMPUTE_API_VERSIONS,
    versionError: "provider",
    resourceType: "virtualMachines",
    inResourceGroup: true,
    operations: { GET: { name: "VirtualMachines_InstanceView", handler } },
  };
}

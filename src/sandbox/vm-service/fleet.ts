import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { DynamicListener, ServiceContext } from "../harness/types.js";
import type { IssuedToken, VirtualMachineEvent, VirtualMachineInfo } from "../azure/index.js";
import { vmImdsListenerName, vmSshListenerName } from "../constants.js";
import { createVmHost, removeVmFolder, vmAwsMode, type VmHost } from "../vm/index.js";
import { vmEnvironment } from "./vm-env.js";

/**
 * The sandbox VMs that run: for each VM ARM holds, its insides (createVmHost, folder = vmId), an
 * SSH listener per public IP (`ssh@<ip>`) and its metadata service (`imds@<vmId>`). ARM events
 * arrive inside request handling, so `follow` only queues; the work runs one step at a time, in
 * order, which also keeps `ssh@<ip>` unique when an address moves from a deleted VM to a new one.
 */

export interface RunningVm {
  readonly vmId: string;
  readonly host: VmHost;
  readonly imds: DynamicListener;
  /** Public IP → its SSH listener. */
  readonly ssh: Map<string, DynamicListener>;
  /** IMDS's token cache (identity and resource → token), gone with the VM. */
  readonly tokens: Map<string, IssuedToken>;
}

export class Fleet {
  private readonly running = new Map<string, RunningVm>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The last failure to bring a VM up, by vmId: the SSH wait's timeout is where a user sees it. */
  readonly failures = new Map<string, unknown>();

  constructor(
    private readonly dir: string,
    private readonly ctx: ServiceContext,
  ) {}

  vm(vmId: string): RunningVm | undefined {
    return this.running.get(vmId);
  }

  /** Queues what an ARM event asks for; returns at once. */
  follow(event: VirtualMachineEvent): void {
    const { vm } = event;
    this.enqueue(vm.vmId, () => (event.kind === "deleted" ? this.remove(vm.vmId, true) : this.bringUp(vm)));
  }

  /** Removes the folders of VMs that no longer exist (deleted while the sandbox was down). */
  forgetOthers(existing: readonly VirtualMachineInfo[]): void {
    const keep = new Set(existing.map((vm) => vm.vmId));
    this.enqueue("", async () => {
      const folders = await readdir(join(this.dir, "vms")).catch(() => [] as string[]);
      for (const folder of folders) if (!keep.has(folder)) await removeVmFolder(this.dir, folder);
    });
  }

  /** Resolves once everything queued so far has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Ends every VM's processes and sessions and closes its listeners; folders stay for the next start. */
  async stop(): Promise<void> {
    // What is queued and not yet begun is skipped; a step under way finishes first.
    this.stopped = true;
    await this.chain;
    await Promise.all([...this.running.keys()].map((vmId) => this.remove(vmId, false)));
  }

  private enqueue(vmId: string, work: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await work();
        this.failures.delete(vmId);
      } catch (err) {
        this.failures.set(vmId, err);
      }
    });
  }

  private async bringUp(vm: VirtualMachineInfo): Promise<void> {
    const current = this.running.get(vm.vmId) ?? (await this.start(vm));
    await this.mapAddresses(current, vm.publicIpAddresses);
  }

  private async start(vm: VirtualMachineInfo): Promise<RunningVm> {
    const imds = await this.ctx.addListener({ name: vmImdsListenerName(vm.vmId), kind: "http", publish: true });
    let host: VmHost;
    try {
      host = await createVmHost({
        dir: this.dir,
        vmName: vm.computerName,
        folderName: vm.vmId,
        adminUser: vm.adminUsername,
        authorizedKeys: vm.sshPublicKeys,
        userData: vm.userData ?? vm.customData,
        env: vmEnvironment(this.dir, this.ctx.endpoints, imds.url),
        // The sandbox's own switches, not those of whichever process asked for the VM.
        awsCli: vmAwsMode(this.ctx.env),
      });
    } catch (err) {
      await imds.close();
      throw err;
    }
    const running: RunningVm = { vmId: vm.vmId, host, imds, ssh: new Map(), tokens: new Map() };
    this.running.set(vm.vmId, running);
    return running;
  }

  /** One SSH listener per public IP the VM has now: a changed address moves its listener. */
  private async mapAddresses(running: RunningVm, addresses: readonly string[]): Promise<void> {
    for (const [ip, listener] of running.ssh) {
      if (addresses.includes(ip)) continue;
      running.ssh.delete(ip);
      await listener.close();
    }
    for (const ip of addresses) {
      if (running.ssh.has(ip)) continue;
      const listener = await this.ctx.addListener({
        name: vmSshListenerName(ip),
        kind: "tcp",
        publish: true,
        onConnection: (socket) => running.host.handleConnection(socket),
      });
      running.ssh.set(ip, listener);
    }
  }

  /**
   * Stops a VM as a shutdown does: sshd says goodbye to its clients and the processes end (new
   * connections are refused meanwhile), then the listeners close, which would cut connections
   * without a word. `erase` removes its disk, before the listeners go: an endpoint that is gone
   * means the VM is all gone.
   */
  private async remove(vmId: string, erase: boolean): Promise<void> {
    const running = this.running.get(vmId);
    this.running.delete(vmId);
    await running?.host.close();
    if (erase) await removeVmFolder(this.dir, vmId);
    if (running) await Promise.all([...running.ssh.values(), running.imds].map((listener) => listener.close()));
  }
}

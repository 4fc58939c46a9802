import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from "../harness/types.js";
import type { AzureSandboxService, IssuedToken } from "../azure/index.js";
import { CHECKIP_LISTENER } from "../constants.js";
import { checkIpResponse, vmAwsMode } from "../vm/index.js";
import { Fleet } from "./fleet.js";
import { imdsResponse } from "./imds.js";

/**
 * The sandbox VMs as a service of the harness: the what-is-my-IP endpoint (`checkip`, https) and,
 * for every VM the Azure sandbox holds, its sshd and its instance metadata service, opened as
 * listeners while the sandbox runs (see fleet.ts). It has no fixed listener and no state of its
 * own: what VMs exist is ARM's state, what is on them is in `<sandbox>/vms/<vmId>/`.
 */

const IMDS_PREFIX = "imds@";

export interface VmService extends SandboxService {
  /** Resolves once the VM events received so far have been acted on (for tests and start-up). */
  settled(): Promise<void>;
  /** Why a VM's insides or listeners could not be started, by vmId (the last failure). */
  failures(): ReadonlyMap<string, unknown>;
}

export function createVmService(options: { dir: string; azure: AzureSandboxService }): VmService {
  const { dir, azure } = options;
  let fleet: Fleet | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    name: "vm",
    listeners: [],
    latencyMs: { Imds_GetToken: 40, CheckIp: 120 },

    async start(ctx: ServiceContext) {
      // A mistyped switch stops the sandbox here, not each VM later (where only a timeout shows).
      vmAwsMode(ctx.env);
      await ctx.addListener({ name: CHECKIP_LISTENER, kind: "https", publish: true });
      const current = new Fleet(dir, ctx);
      fleet = current;
      unsubscribe = azure.onVirtualMachine((event) => current.follow(event));
      // Each start is a boot: every VM ARM holds comes up again, with the same host key and home.
      const vms = azure.virtualMachines();
      current.forgetOthers(vms);
      for (const vm of vms) current.follow({ kind: "created", vm });
      await current.idle();
    },

    async stop() {
      unsubscribe?.();
      await fleet?.stop();
    },

    async handle(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse> {
      if (req.listener === CHECKIP_LISTENER) {
        const res = checkIpResponse(req);
        await ctx.latency(res.operation);
        return res;
      }
      if (req.listener.startsWith(IMDS_PREFIX)) {
        const vmId = req.listener.slice(IMDS_PREFIX.length);
        const running = fleet?.vm(vmId);
        const res = await imdsResponse(req, {
          vm: () => azure.virtualMachines().find((vm) => vm.vmId === vmId),
          issue: (request) => azure.issueToken(request),
          now: () => ctx.now(),
          cache: running?.tokens ?? new Map<string, IssuedToken>(),
        });
        await ctx.latency(res.operation);
        return res;
      }
      return { status: 404, operation: "NotFound", body: "not a sandbox VM listener\n" };
    },

    faultResponse(listener, status) {
      if (listener.startsWith(IMDS_PREFIX)) {
        // IMDS's documented answers: 429 when throttled, 500 when Entra could not be reached.
        const body =
          status === 429
            ? { error: "too_many_requests", error_description: "IMDS throttle limit reached" }
            : { error: "unknown", error_description: "Failed to retrieve token from the Active directory." };
        return {
          status,
          operation: "Fault",
          headers: { "Content-Type": "application/json; charset=utf-8" },
          body: JSON.stringify(body),
        };
      }
      const text =
        status === 429 ? "Too Many Requests\n" : status === 500 ? "Internal Server Error\n" : "Service Unavailable\n";
      return { status, operation: "Fault", headers: { "content-type": "text/plain" }, body: text };
    },

    settled: () => fleet?.idle() ?? Promise.resolve(),
    failures: () => fleet?.failures ?? new Map(),
  };
}

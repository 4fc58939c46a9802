import type { CommandContext } from "../context.js";
import { loadRunConfig, openSession } from "./cloud-frame.js";
import { readState, stateView } from "../state/store.js";
import { createCloudPorts } from "../cloud/ports.js";
import { oidcProvider } from "../resources/oidc-provider.js";
import { recordedVm } from "../resources/vm/virtual-machine.js";
import { loginOf } from "../remote/vm-login.js";
import { cloudChecks } from "../verify/cloud-checks.js";
import { vmChecks } from "../verify/vm-checks.js";
import { fail, type CheckResult } from "../verify/check.js";
import { BridgeError, isBridgeError, userError } from "../errors.js";

/**
 * The health check for cron and CI: every check prints pass, fail or warn with a one-line fix;
 * exit 0 only when none fails. Reads only: no lock, no write call, no state change.
 */
export async function verify(ctx: CommandContext): Promise<void> {
  const { reporter } = ctx;
  const { config, stateDir } = await loadRunConfig(ctx);
  const state = await readState(stateDir, ctx.globals.sandbox ? "sandbox" : "cloud");
  const view = state ? stateView(state) : undefined;
  const provider = view ? oidcProvider.fromState(view, config) : undefined;
  if (!view || !provider) {
    throw userError(
      "LAYER_MISSING",
      `nothing to verify: no trust recorded in ${stateDir}`,
      `run \`oidc-bridge up${ctx.globals.sandbox ? " --sandbox" : ""}\` first`,
    );
  }
  const session = await openSession(ctx, config, stateDir);
  const ports = createCloudPorts(session);
  const checks: CheckResult[] = [];
  try {
    const cloud = await reporter.step("check the provider, role and parameter", () =>
      cloudChecks({ config, ports, providerArn: provider.providerArn, issuer: provider.issuer }),
    );
    checks.push(...cloud.checks);
    const access = loginOf(recordedVm(view));
    if (!access) {
      checks.push(fail("vm", "no VM recorded", "run `oidc-bridge vm`, then `oidc-bridge configure`"));
    } else {
      const host = await ports.vmHost(access).catch((err: unknown) => err);
      if (!isHostPort(host)) {
        const error = host instanceof BridgeError ? host : undefined;
        checks.push(
          fail("ssh", error?.message ?? `cannot reach ${access.address}`, error?.hint ?? "see `oidc-bridge ssh`"),
        );
      } else {
        checks.push(
          ...(await reporter.step(`check the token set-up on ${host.target}`, () =>
            vmChecks({
              host,
              facts: cloud.facts,
              profile: config.configure.awsProfile,
              roleName: config.aws.roleName,
              cloudOk: cloud.checks.every((c) => c.status !== "fail"),
              reporter,
              now: Date.now,
              sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
            }),
          )),
        );
      }
    }
  } finally {
    await ports.close();
    await session.close();
  }
  for (const check of checks) reporter.check(check);
  const failed = checks.filter((c) => c.status === "fail");
  const warned = checks.filter((c) => c.status === "warn");
  const line = `${checks.length - failed.length - warned.length} passed, ${warned.length} warning(s), ${failed.length} failed`;
  reporter.result(`verify: ${line}`, { ok: failed.length === 0, checks });
  if (failed.length) {
    throw new BridgeError(`verify: ${line}`, {
      code: "VERIFY_FAILED",
      hint: failed.map((f) => `${f.id}: ${f.hint ?? ""}`).join("; "),
      details: failed.map((f) => `${f.id}: ${f.detail}`),
    });
  }
}

function isHostPort(value: unknown): value is Awaited<ReturnType<ReturnType<typeof createCloudPorts>["vmHost"]>> {
  return typeof value === "object" && value !== null && "run" in value && !isBridgeError(value);
}

import { userError } from "../errors.js";
import { setProfile } from "./aws-config-file.js";
import type { HostPort } from "./host-port.js";
import { shQuote } from "./shell-quote.js";
import { refresherScript, REFRESH_UNIT, VM_PATHS } from "./token-refresher.js";
import { cronLines, enableTimerCommand, installCronCommand, systemdUnits } from "./token-schedule.js";
import type { VmSetupObserved } from "./vm-setup-observe.js";

/** What the VM must hold after `configure`. */
export interface VmSetupDesired {
  readonly audience: string;
  readonly clientId: string;
  readonly roleArn: string;
  readonly region: string;
  readonly profile: string;
  /** The VM name: shows in CloudTrail as the session of every call the VM makes. */
  readonly sessionName: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

export type VmSetupItem = "refresher" | "schedule" | "token" | "aws-profile";
export const VM_SETUP_ITEMS: readonly VmSetupItem[] = ["refresher", "schedule", "token", "aws-profile"];

export interface VmSetupChange {
  readonly item: VmSetupItem;
  readonly kind: "create" | "update" | "unchanged" | "skip";
  readonly resource: string;
  readonly reason: string;
  /** Absent for unchanged and skip. */
  readonly run?: (host: HostPort) => Promise<void>;
}

/** A token closer to expiry than this is renewed by `configure` rather than left to the timer. */
export const RENEW_BEFORE_SECONDS = 2 * 3600;

export const RESOURCE_NAMES: Record<VmSetupItem, (profile: string) => string> = {
  refresher: () => `token refresher ~/${VM_PATHS.refresher}`,
  schedule: () => `refresh schedule ${REFRESH_UNIT}`,
  token: () => `token file ~/${VM_PATHS.tokenFile}`,
  "aws-profile": (profile) => `AWS profile ${profile} in ~/${VM_PATHS.awsConfig}`,
};

/**
 * What must change on the VM, item by item, each with its reason. Pure: the same observation and
 * wishes give the same plan; `run` makes exactly the change the plan describes.
 */
export function planVmSetup(observed: VmSetupObserved, desired: VmSetupDesired): VmSetupChange[] {
  const home = observed.home;
  const at = (relative: string): string => `${home}/${relative}`;
  const refresherPath = at(VM_PATHS.refresher);
  const tokenFile = at(VM_PATHS.tokenFile);
  const name = (item: VmSetupItem): string => RESOURCE_NAMES[item](desired.profile);
  const changes: VmSetupChange[] = [];

  const script = refresherScript({ audience: desired.audience, clientId: desired.clientId, tokenFile });
  const scriptChanged = observed.refresher !== script;
  changes.push(
    !scriptChanged
      ? { item: "refresher", kind: "unchanged", resource: name("refresher"), reason: "installed as wanted" }
      : {
          item: "refresher",
          kind: observed.refresher === undefined ? "create" : "update",
          resource: name("refresher"),
          reason:
            observed.refresher === undefined
              ? "fetches the identity's token from the metadata service"
              : "differs from the wanted script (audience, client id or a newer version)",
          run: (host) => host.writeFile(refresherPath, script, 0o700),
        },
  );

  changes.push(planSchedule(observed, refresherPath, name("schedule"), desired.clientId));

  const token = observed.token;
  const left = token.expiresAt === undefined ? undefined : token.expiresAt - desired.now;
  const tokenReason = !token.exists
    ? "no token yet"
    : left === undefined
      ? "the file holds no readable token"
      : left < RENEW_BEFORE_SECONDS
        ? left <= 0
          ? "the token has expired"
          : `the token expires in ${Math.round(left / 60)} min`
        : token.mode !== 0o600
          ? `the file's mode is ${(token.mode ?? 0).toString(8)}, should be 600`
          : scriptChanged
            ? "the refresher changed: fetch a token with the new settings"
            : undefined;
  changes.push(
    tokenReason === undefined
      ? {
          item: "token",
          kind: "unchanged",
          resource: name("token"),
          reason: `valid for ${Math.round((left ?? 0) / 3600)} h, mode 600`,
        }
      : {
          item: "token",
          kind: token.exists ? "update" : "create",
          resource: name("token"),
          reason: tokenReason,
          run: async (host) => {
            const result = await host.run(`/bin/sh ${shQuote(refresherPath)}`, { timeoutMs: 180_000 });
            if (result.code !== 0) {
              throw userError(
                "VM_TOKEN_FETCH_FAILED",
                `the token refresher on ${host.target} failed (exit ${result.code ?? "signal"}): ${result.stderr.trim() || "no message"}`,
                "check that the VM carries the identity (`oidc-bridge vm`), then run `oidc-bridge configure` again",
              );
            }
          },
        },
  );

  const values = {
    region: desired.region,
    web_identity_token_file: tokenFile,
    role_arn: desired.roleArn,
    role_session_name: desired.sessionName,
  };
  const before = observed.awsConfig ?? "";
  const after = setProfile(before, desired.profile, values);
  changes.push(
    after === before
      ? { item: "aws-profile", kind: "unchanged", resource: name("aws-profile"), reason: "has the role and token file" }
      : {
          item: "aws-profile",
          kind: observed.awsConfig === undefined ? "create" : "update",
          resource: name("aws-profile"),
          reason:
            observed.awsConfig === undefined
              ? `assumes ${desired.roleArn} with the VM's token`
              : "set role, token file, region and session name; other profiles and comments kept",
          run: (host) => host.writeFile(at(VM_PATHS.awsConfig), after, 0o600),
        },
  );
  return changes;
}

function planSchedule(observed: VmSetupObserved, refresher: string, resource: string, seed: string): VmSetupChange {
  if (observed.scheduler === "systemd") {
    const units = systemdUnits(refresher);
    const dir = `${observed.home}/${VM_PATHS.systemdDir}`;
    const filesOk = observed.service === units.service && observed.timer === units.timer;
    if (filesOk && observed.timerEnabled && observed.timerActive && observed.linger)
      return { item: "schedule", kind: "unchanged", resource, reason: "systemd timer enabled, hourly and at boot" };
    const missing = [
      ...(filesOk ? [] : ["unit files"]),
      ...(observed.timerEnabled ? [] : ["enabled"]),
      ...(observed.timerActive ? [] : ["active"]),
      ...(observed.linger ? [] : ["lingering"]),
    ];
    return {
      item: "schedule",
      kind: observed.timer === undefined ? "create" : "update",
      resource,
      reason: `systemd user timer, hourly with jitter and at boot (missing: ${missing.join(", ")})`,
      run: async (host) => {
        await host.writeFile(`${dir}/${REFRESH_UNIT}.service`, units.service, 0o644);
        await host.writeFile(`${dir}/${REFRESH_UNIT}.timer`, units.timer, 0o644);
        await mustSucceed(host, enableTimerCommand(), "enable the refresh timer");
      },
    };
  }
  if (observed.scheduler === "cron") {
    const lines = cronLines(refresher, minuteOf(seed));
    if (lines.every((l) => observed.cronLines.includes(l)) && observed.cronLines.length === lines.length)
      return { item: "schedule", kind: "unchanged", resource, reason: "cron runs it hourly and at boot" };
    return {
      item: "schedule",
      kind: observed.cronLines.length ? "update" : "create",
      resource,
      reason: "the VM has no systemd: cron, hourly and at boot",
      run: (host) => mustSucceed(host, installCronCommand(lines), "install the crontab lines"),
    };
  }
  return {
    item: "schedule",
    kind: "skip",
    resource,
    reason: "the VM has neither systemd nor cron: the token expires in about 24 h unless the refresher is run",
  };
}

async function mustSucceed(host: HostPort, command: string, what: string): Promise<void> {
  const result = await host.run(command);
  if (result.code !== 0) {
    throw userError(
      "VM_COMMAND_FAILED",
      `could not ${what} on ${host.target} (exit ${result.code ?? "signal"}): ${result.stderr.trim() || result.stdout.trim() || "no message"}`,
      "run `oidc-bridge ssh` to look, then `oidc-bridge configure` again",
    );
  }
}

/** A minute of the hour of the VM's own, so a fleet does not call the metadata service at once. */
function minuteOf(seed: string): number {
  let sum = 0;
  for (const c of seed) sum = (sum * 31 + c.charCodeAt(0)) % 60;
  return sum;
}

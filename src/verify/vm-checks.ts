import type { Reporter } from "../report/reporter.js";
import type { HostPort } from "../remote/host-port.js";
import { checkClaims } from "../oidc/claims.js";
import { VM_PATHS } from "../remote/token-refresher.js";
import { observeVmSetup } from "../remote/vm-setup-observe.js";
import { shQuote } from "../remote/shell-quote.js";
import { fail, pass, warn, type CheckResult } from "./check.js";
import type { CloudFacts } from "./cloud-checks.js";
import { diagnoseStsError, parseCliError } from "./sts-errors.js";

export interface VmCheckInput {
  readonly host: HostPort;
  readonly facts: CloudFacts;
  readonly profile: string;
  readonly roleName: string;
  /** True when every check from here passed: only then can a refusal be IAM still propagating. */
  readonly cloudOk: boolean;
  readonly reporter: Reporter;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** IAM roles take 10-60 s to become assumable; one younger than this is waited for. */
export const YOUNG_ROLE_MS = 120_000;

/** The checks on the VM: the token, its refresher, and AWS accepting it from there. */
export async function vmChecks(input: VmCheckInput): Promise<CheckResult[]> {
  const { host, facts } = input;
  const checks: CheckResult[] = [];
  const seen = await observeVmSetup(host);
  const token = seen.token;
  if (!token.exists) {
    checks.push(
      fail("token-file", `no token at ~/${VM_PATHS.tokenFile} on ${host.target}`, "run `oidc-bridge configure`"),
    );
  } else if (token.mode !== 0o600) {
    checks.push(
      fail(
        "token-file",
        `~/${VM_PATHS.tokenFile} has mode ${(token.mode ?? 0).toString(8)}: other users of the VM can read it`,
        "run `oidc-bridge configure` (it rewrites the file 0600)",
      ),
    );
  } else {
    checks.push(pass("token-file", `~/${VM_PATHS.tokenFile} exists, mode 600`));
  }
  checks.push(scheduleCheck(seen));
  if (token.exists) {
    // Read once, with everything else configure manages.
    const claims = token.claims;
    if (!claims) {
      checks.push(fail("token-claims", "the token file does not hold a JWT", "run `oidc-bridge configure`"));
    } else {
      checks.push(
        ...checkClaims(claims, {
          issuer: facts.issuer,
          clientIds: facts.clientIds,
          subject: facts.identity?.principalId ?? "(no identity)",
          now: Math.floor(input.now() / 1000),
        }),
      );
    }
  }
  checks.push(...(await awsFromVm(input)));
  return checks;
}

function scheduleCheck(seen: Awaited<ReturnType<typeof observeVmSetup>>): CheckResult {
  const fix = "run `oidc-bridge configure`";
  if (seen.scheduler === "systemd") {
    if (!seen.timer) return fail("refresher", "the refresh timer is not installed", fix);
    if (!seen.timerEnabled || !seen.timerActive)
      return fail(
        "refresher",
        `the refresh timer is ${seen.timerEnabled ? "enabled but not active" : "not enabled"}`,
        fix,
      );
    if (!seen.linger)
      return warn("refresher", "the refresh timer runs only while the admin is logged in (no lingering)", fix);
    return pass("refresher", "the systemd timer refreshes the token hourly and at boot");
  }
  if (seen.scheduler === "cron")
    return seen.cronLines.length
      ? pass("refresher", "cron refreshes the token hourly and at boot")
      : fail("refresher", "no crontab line runs the refresher", fix);
  return warn(
    "refresher",
    "the VM has neither systemd nor cron: nothing refreshes the token, which expires about 24 h after it was fetched",
    "install cron on the VM, then run `oidc-bridge configure`",
  );
}

/**
 * AWS's own verdict, from the VM, with only what `configure` wrote: the CLI assumes the role with
 * the token file, then lists buckets (the write-up's `aws s3 ls`).
 */
async function awsFromVm(input: VmCheckInput): Promise<CheckResult[]> {
  const { host, facts } = input;
  // The CLI caches assumed-role credentials in ~/.aws/cli/cache for up to an hour, which would
  // hide a changed trust policy or a deleted provider: each check runs with a fresh, empty home
  // and reads the user's own config and credentials files explicitly.
  const profile = input.profile === "default" ? "" : `AWS_PROFILE=${shQuote(input.profile)} `;
  const env = `t=$(mktemp -d) || exit 1; trap 'rm -rf "$t"' EXIT; AWS_CONFIG_FILE="$HOME/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$HOME/.aws/credentials" HOME="$t" ${profile}`;
  const created = facts.role?.createdAt?.getTime();
  let delay = 5_000;
  let issuerRetries = 3;
  for (;;) {
    const who = await host.run(`${env}aws sts get-caller-identity --output json`, { timeoutMs: 60_000 });
    if (who.code === 0) {
      const arn = parseArn(who.stdout);
      const wanted = `:assumed-role/${input.roleName}/`;
      if (!arn?.includes(wanted))
        return [
          fail(
            "aws-identity",
            `the AWS CLI on the VM is ${arn ?? "(unreadable)"}, not a session of role ${input.roleName}`,
            "other credentials come first on the VM (environment variables or ~/.aws/credentials): remove them, or set configure.awsProfile",
          ),
        ];
      const list = await host.run(`${env}aws s3 ls`, { timeoutMs: 60_000 });
      if (list.code === 0) {
        const buckets = list.stdout.split("\n").filter((l) => l.trim()).length;
        return [
          pass("aws-identity", `the VM is ${arn}`),
          pass("s3-list", `aws s3 ls on the VM lists ${buckets} bucket(s)`),
        ];
      }
      return [pass("aws-identity", `the VM is ${arn}`), cliFailure("s3-list", list.stderr)];
    }
    const error = parseCliError(who.stderr);
    const young = created !== undefined && input.now() - created < YOUNG_ROLE_MS;
    if (young && input.cloudOk && error && mayBePropagating(error.code, error.message)) {
      // CreateDate is the cloud's clock, now() ours: a clock a little behind must not print a negative age.
      const age = Math.max(0, Math.round((input.now() - (created ?? 0)) / 1000));
      input.reporter.info(
        `waiting for role ${input.roleName} to become assumable: created ${age} s ago, new roles take up to a minute (${error.code})`,
      );
      await input.sleep(delay);
      delay = Math.min(delay * 2, 20_000);
      continue;
    }
    // AWS could not read the issuer's keys this time (a throttled or failing key host): transient.
    if (error && issuerRetries > 0 && issuerUnreachable(error.code, error.message)) {
      issuerRetries -= 1;
      input.reporter.info(`AWS could not reach the token issuer (${error.code}); asking again in 2 s`);
      await input.sleep(2_000);
      continue;
    }
    return [cliFailure("aws-identity", who.stderr)];
  }
}

function issuerUnreachable(code: string, message: string): boolean {
  return (
    code === "IDPCommunicationError" || (code === "InvalidIdentityToken" && /retrieve verification key/i.test(message))
  );
}

/**
 * A new role (or provider) is refused for a while as if it did not exist. A refusal that names a
 * definite fault (a thumbprint, an audience, a signature) is not that, and is not waited for.
 */
function mayBePropagating(code: string, message: string): boolean {
  if (code === "AccessDenied") return /AssumeRoleWithWebIdentity/.test(message);
  if (code === "InvalidIdentityToken")
    return !/thumbprint|audience|signature|verification key|not a valid JWT/i.test(message);
  return false;
}

function cliFailure(id: string, stderr: string): CheckResult {
  const error = parseCliError(stderr);
  if (!error) {
    const line = stderr.trim().split("\n").pop() ?? "";
    if (/command not found|not found/.test(line))
      return fail(id, "the VM has no AWS CLI", "install awscli on the VM (cloud-init installs it on a new VM)");
    return fail(id, `the AWS CLI on the VM failed: ${line || "no message"}`, "run `oidc-bridge ssh` to look");
  }
  const diagnosis = diagnoseStsError(error.code, error.message);
  return fail(
    id,
    `${error.operation}: ${error.code}: ${error.message}${diagnosis ? ` — ${diagnosis.cause}` : ""}`,
    diagnosis?.fix ?? "see the AWS error above",
  );
}

function parseArn(stdout: string): string | undefined {
  try {
    const arn = (JSON.parse(stdout) as { Arn?: unknown }).Arn;
    return typeof arn === "string" ? arn : undefined;
  } catch {
    return undefined;
  }
}

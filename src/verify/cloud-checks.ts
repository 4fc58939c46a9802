import type { Config } from "../config/schema.js";
import type { CloudPorts } from "../cloud/ports.js";
import type { Role } from "../cloud/aws/ports.js";
import type { UserAssignedIdentity } from "../cloud/azure/ports.js";
import { fail, pass, type CheckResult } from "./check.js";

/** What the clouds say, read once and shared by the checks here and on the VM. */
export interface CloudFacts {
  readonly providerArn: string;
  /** https://…/ as tokens carry it in `iss`. */
  readonly issuer: string;
  readonly clientIds: readonly string[];
  readonly role: Role | undefined;
  readonly identity: UserAssignedIdentity | undefined;
}

export interface CloudCheckInput {
  readonly config: Config;
  readonly ports: CloudPorts;
  /** From the state file: the provider we made or adopted. */
  readonly providerArn: string;
  readonly issuer: string;
}

/**
 * The checks from here: provider, trust policy, SSM parameter. Reads only: `verify` runs in cron
 * and CI and must never change anything.
 */
export async function cloudChecks(input: CloudCheckInput): Promise<{ checks: CheckResult[]; facts: CloudFacts }> {
  const { config, ports } = input;
  const audience = config.oidc.audience;
  const [provider, role, identity, parameter] = await Promise.all([
    ports.oidcProviders().then((p) => p.get(input.providerArn)),
    ports.roles().then((p) => p.get(config.aws.roleName)),
    ports.identities().then((p) => p.get(config.azure.resourceGroup, config.azure.identityName)),
    ports.ssm().then((p) => p.get(config.aws.ssmParameterName)),
  ]);
  const checks: CheckResult[] = [];
  const providerUrl = input.issuer.replace(/^https:\/\//, "");

  if (!provider) {
    checks.push(fail("provider", `IAM has no OIDC provider ${providerUrl}`, "run `oidc-bridge trust`"));
  } else if (!provider.clientIds.includes(audience)) {
    checks.push(
      fail(
        "provider",
        `the provider ${providerUrl} does not list the audience ${audience} (it lists ${provider.clientIds.join(", ") || "none"})`,
        "run `oidc-bridge trust` to add it",
      ),
    );
  } else {
    checks.push(pass("provider", `IAM trusts ${providerUrl} for the audience ${audience}`));
  }

  if (!identity) {
    checks.push(
      fail(
        "identity",
        `managed identity ${config.azure.identityName} not found in ${config.azure.resourceGroup}`,
        "run `oidc-bridge identity`",
      ),
    );
  } else {
    checks.push(pass("identity", `managed identity ${identity.name} has principal id ${identity.principalId}`));
  }

  if (!role) {
    checks.push(fail("trust-policy", `IAM role ${config.aws.roleName} not found`, "run `oidc-bridge identity`"));
  } else {
    checks.push(trustPolicyCheck(role, input.providerArn, providerUrl, audience, identity?.principalId));
  }

  if (!parameter) {
    checks.push(
      fail("ssm-parameter", `SSM parameter ${config.aws.ssmParameterName} not found`, "run `oidc-bridge identity`"),
    );
  } else if (role && parameter.value !== role.arn) {
    checks.push(
      fail(
        "ssm-parameter",
        `SSM parameter ${parameter.name} holds ${parameter.value}, not the role ARN ${role.arn}`,
        "run `oidc-bridge identity` to write the role ARN",
      ),
    );
  } else {
    checks.push(pass("ssm-parameter", `SSM parameter ${parameter.name} holds the role ARN`));
  }

  return {
    checks,
    facts: {
      providerArn: input.providerArn,
      issuer: input.issuer,
      clientIds: provider?.clientIds ?? [],
      role,
      identity,
    },
  };
}

interface Statement {
  Effect?: unknown;
  Principal?: { Federated?: unknown };
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function trustPolicyCheck(
  role: Role,
  providerArn: string,
  providerUrl: string,
  audience: string,
  principalId: string | undefined,
): CheckResult {
  const statements = ((role.trustPolicy as { Statement?: unknown }).Statement ?? []) as Statement | Statement[];
  const list = Array.isArray(statements) ? statements : [statements];
  const values = (s: Statement, key: string): string[] =>
    Object.values(s.Condition ?? {}).flatMap((byKey) => [byKey[key]].flat().filter((v) => typeof v === "string"));
  const ours = list.filter((s) => s.Effect === "Allow" && [s.Principal?.Federated].flat().includes(providerArn));
  const hint = "run `oidc-bridge identity` to rewrite the trust policy";
  if (!ours.length)
    return fail("trust-policy", `role ${role.name}'s trust policy does not name the provider ${providerArn}`, hint);
  const subs = ours.flatMap((s) => values(s, `${providerUrl}:sub`));
  const auds = ours.flatMap((s) => values(s, `${providerUrl}:aud`));
  if (!subs.length || !auds.length)
    return fail(
      "trust-policy",
      `role ${role.name} trusts the provider without a condition on ${subs.length ? "aud" : "sub"}: any identity of the tenant may assume it`,
      hint,
    );
  if (principalId !== undefined && !subs.includes(principalId))
    return fail(
      "trust-policy",
      `role ${role.name} trusts sub ${subs.join(", ")}, but the identity's principal id is now ${principalId} (the identity was replaced)`,
      hint,
    );
  if (!auds.includes(audience))
    return fail("trust-policy", `role ${role.name} trusts aud ${auds.join(", ")}, not ${audience}`, hint);
  return pass("trust-policy", `role ${role.name} trusts only sub ${subs.join(", ")} with aud ${audience}`);
}

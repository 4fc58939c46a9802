import type { Action, Reporter } from "../report/reporter.js";
import type { IamPort, Parameter, Role, SsmPort } from "../cloud/aws/ports.js";
import type { AzureResourcesPort, ResourceGroup, UserAssignedIdentity } from "../cloud/azure/ports.js";
import type { ResourceRecord } from "../state/schema.js";
import type { StateStore } from "../state/store.js";
import type { Config } from "../config/schema.js";
import { buildTrustPolicy, policyDifferences } from "../oidc/trust-policy.js";
import { PROVIDER_KIND } from "./trust.js";
import { ownedTags, taggedAsOurs } from "./tags.js";
import { userError } from "../errors.js";

export const KINDS = {
  resourceGroup: "azure-resource-group",
  identity: "azure-user-assigned-identity",
  role: "iam-role",
  policyAttachment: "iam-role-policy-attachment",
  parameter: "ssm-parameter",
} as const;

export interface IdentityPorts {
  readonly azure: AzureResourcesPort;
  readonly iam: IamPort;
  readonly ssm: SsmPort;
}

/** What the trust layer left in the state file, which this layer builds on. */
export interface TrustOutputs {
  readonly providerArn: string;
  readonly providerUrl: string;
  readonly partition: string;
}

export interface IdentityObservation {
  readonly trust: TrustOutputs;
  readonly resourceGroup?: ResourceGroup | undefined;
  readonly identity?: UserAssignedIdentity | undefined;
  readonly role?: Role | undefined;
  readonly attachedPolicies: readonly string[];
  readonly parameter?: Parameter | undefined;
}

export interface IdentityDesired {
  readonly config: Config;
  readonly tags: Readonly<Record<string, string>>;
  readonly deploymentId: string;
  readonly policyArns: readonly string[];
  /** Resources the state file records for this layer. */
  readonly recorded: readonly ResourceRecord[];
}

type Step = "resourceGroup" | "identity" | "role" | "trustPolicy" | "sessionDuration" | "parameter";

export interface IdentityPlan {
  readonly actions: readonly Action[];
  readonly create: ReadonlySet<Step>;
  readonly update: ReadonlySet<Step>;
  /** Resources found in the cloud that the state file must record (adopted or re-found). */
  readonly adopt: ReadonlyArray<{ kind: string; id: string; createdByUs: boolean }>;
  readonly attach: readonly string[];
  readonly detach: readonly string[];
}

export function trustOutputs(store: StateStore): TrustOutputs {
  const provider = store.find(PROVIDER_KIND, "trust");
  if (!provider) {
    throw userError(
      "TRUST_MISSING",
      "the trust layer is not in the state file: no IAM OpenID Connect provider recorded",
      "run `oidc-bridge trust` (or `oidc-bridge up`) first",
    );
  }
  const { url, partition } = provider.attributes;
  return {
    providerArn: provider.id,
    providerUrl: (typeof url === "string" ? url : "").replace(/^https:\/\//, ""),
    partition: typeof partition === "string" ? partition : String(provider.id.split(":")[1]),
  };
}

/** Policy names become ARNs in the caller's partition; full ARNs are kept as given. */
export function resolvePolicyArns(names: readonly string[], partition: string): string[] {
  return [...new Set(names.map((n) => (n.startsWith("arn:") ? n : `arn:${partition}:iam::aws:policy/${n}`)))];
}

export async function observeIdentity(
  config: Config,
  trust: TrustOutputs,
  ports: IdentityPorts,
  reporter: Reporter,
): Promise<IdentityObservation> {
  const { azure, iam, ssm } = ports;
  return reporter.step("read the identity layer's resources", async () => {
    const provider = await iam.getOidcProvider(trust.providerArn);
    if (!provider) {
      throw userError(
        "TRUST_GONE",
        `the IAM OpenID Connect provider ${trust.providerArn} recorded by the trust layer no longer exists`,
        "run `oidc-bridge trust` to create it again",
      );
    }
    const resourceGroup = await azure.getResourceGroup(config.azure.resourceGroup);
    const [identity, role, parameter] = await Promise.all([
      resourceGroup ? azure.getIdentity(config.azure.resourceGroup, config.azure.identityName) : undefined,
      iam.getRole(config.aws.roleName),
      ssm.getParameter(config.aws.ssmParameterName),
    ]);
    const attachedPolicies = role ? await iam.listAttachedPolicies(role.name) : [];
    return { trust, resourceGroup, identity, role, attachedPolicies, parameter };
  });
}

/** Pure: what must change in this layer, and why. */
export function planIdentity(observed: IdentityObservation, desired: IdentityDesired): IdentityPlan {
  const { config } = desired;
  const actions: Action[] = [];
  const create = new Set<Step>();
  const update = new Set<Step>();
  const adopt: Array<{ kind: string; id: string; createdByUs: boolean }> = [];
  const recorded = (kind: string, id: string): ResourceRecord | undefined =>
    desired.recorded.find((r) => r.kind === kind && r.id.toLowerCase() === id.toLowerCase());
  const adoptOrKeep = (kind: string, id: string, label: string, tags: Readonly<Record<string, string>>): void => {
    if (recorded(kind, id)) {
      actions.push({ kind: "unchanged", resource: label, reason: "exists as recorded" });
      return;
    }
    const ours = taggedAsOurs(tags, desired.deploymentId);
    adopt.push({ kind, id, createdByUs: ours });
    actions.push({
      kind: "adopt",
      resource: label,
      reason: ours
        ? "created by this deployment (tags say so), missing from the state file: recorded again"
        : "exists and was not created by this deployment: used, and `destroy` will leave it alone",
    });
  };

  const rgLabel = `resource group ${config.azure.resourceGroup}`;
  if (!observed.resourceGroup) {
    create.add("resourceGroup");
    actions.push({ kind: "create", resource: rgLabel, reason: `not found in ${config.azure.location}` });
  } else adoptOrKeep(KINDS.resourceGroup, observed.resourceGroup.id, rgLabel, observed.resourceGroup.tags);

  const idLabel = `managed identity ${config.azure.identityName}`;
  if (!observed.identity) {
    create.add("identity");
    actions.push({
      kind: "create",
      resource: idLabel,
      reason: `not found in resource group ${config.azure.resourceGroup}`,
    });
  } else adoptOrKeep(KINDS.identity, observed.identity.id, idLabel, observed.identity.tags);

  const roleLabel = `IAM role ${config.aws.roleName}`;
  const subject = observed.identity?.principalId ?? "<principal id of the new identity>";
  const wanted = buildTrustPolicy({
    providerArn: observed.trust.providerArn,
    providerUrl: observed.trust.providerUrl,
    subject,
    audience: config.oidc.audience,
  });
  if (!observed.role) {
    create.add("role");
    actions.push({
      kind: "create",
      resource: roleLabel,
      reason: `trusting only sub=${subject} and aud=${config.oidc.audience} via ${observed.trust.providerArn}`,
    });
  } else {
    adoptOrKeep(KINDS.role, observed.role.arn, roleLabel, observed.role.tags);
    // A new identity has a new principal id: the policy must follow it.
    const differences = create.has("identity")
      ? ["the identity is new, so its principal id (the sub condition) changes"]
      : policyDifferences(observed.role.trustPolicy, wanted);
    if (differences.length) {
      update.add("trustPolicy");
      actions.push({ kind: "update", resource: `${roleLabel} trust policy`, reason: differences.join("; ") });
    }
    if (observed.role.maxSessionDuration !== config.aws.maxSessionDuration) {
      update.add("sessionDuration");
      actions.push({
        kind: "update",
        resource: `${roleLabel} max session duration`,
        reason: `is ${observed.role.maxSessionDuration} s, config says ${config.aws.maxSessionDuration} s`,
      });
    }
  }

  const attached = new Set(observed.attachedPolicies);
  const attach = desired.policyArns.filter((arn) => !attached.has(arn));
  const ourAttachments = desired.recorded
    .filter((r) => r.kind === KINDS.policyAttachment && r.createdByUs)
    .map((r) => String(r.attributes.policyArn));
  const detach = ourAttachments.filter((arn) => attached.has(arn) && !desired.policyArns.includes(arn));
  for (const arn of attach)
    actions.push({
      kind: "create",
      resource: `policy attachment ${arn}`,
      reason: `listed in aws.managedPolicies, not attached to ${config.aws.roleName}`,
    });
  for (const arn of detach)
    actions.push({
      kind: "delete",
      resource: `policy attachment ${arn}`,
      reason: "attached by oidc-bridge earlier, no longer in aws.managedPolicies",
    });
  for (const arn of observed.attachedPolicies) {
    if (!desired.policyArns.includes(arn) && !detach.includes(arn))
      actions.push({
        kind: "skip",
        resource: `policy attachment ${arn}`,
        reason: "attached by someone else: left alone",
      });
  }

  const paramLabel = `SSM parameter ${config.aws.ssmParameterName}`;
  const roleArn = observed.role?.arn;
  if (!observed.parameter) {
    create.add("parameter");
    actions.push({ kind: "create", resource: paramLabel, reason: "holds the role ARN for the VM" });
  } else {
    if (!recorded(KINDS.parameter, observed.parameter.name))
      adoptOrKeep(KINDS.parameter, observed.parameter.name, paramLabel, observed.parameter.tags);
    if (!roleArn || observed.parameter.value !== roleArn) {
      update.add("parameter");
      actions.push({
        kind: "update",
        resource: paramLabel,
        reason: `holds ${observed.parameter.value}, should hold ${roleArn ?? "the new role's ARN"}`,
      });
    } else actions.push({ kind: "unchanged", resource: paramLabel, reason: "holds the role ARN" });
  }
  return { actions, create, update, adopt, attach, detach };
}

export interface IdentityResult {
  readonly identity: UserAssignedIdentity;
  readonly roleArn: string;
  readonly changed: boolean;
}

export async function applyIdentity(
  observed: IdentityObservation,
  plan: IdentityPlan,
  desired: IdentityDesired,
  ports: IdentityPorts,
  store: StateStore,
  reporter: Reporter,
): Promise<IdentityResult> {
  const { config, tags } = desired;
  const { azure, iam, ssm } = ports;
  await store.ensureSaved();
  for (const a of plan.adopt) {
    await store.record({
      kind: a.kind,
      layer: "identity",
      id: a.id,
      createdByUs: a.createdByUs,
      attributes: attributesOf(a.kind, observed),
    });
  }

  if (plan.create.has("resourceGroup")) {
    const group = await reporter.step(`create resource group ${config.azure.resourceGroup}`, () =>
      azure.createResourceGroup(config.azure.resourceGroup, config.azure.location, tags),
    );
    await store.record({
      kind: KINDS.resourceGroup,
      layer: "identity",
      id: group.id,
      createdByUs: true,
      attributes: { name: group.name, location: group.location },
    });
  }

  let identity = observed.identity;
  if (plan.create.has("identity") || !identity) {
    identity = await reporter.step(`create managed identity ${config.azure.identityName}`, () =>
      azure.createIdentity(config.azure.resourceGroup, config.azure.identityName, config.azure.location, tags),
    );
    await store.record({
      kind: KINDS.identity,
      layer: "identity",
      id: identity.id,
      createdByUs: true,
      attributes: identityAttributes(identity),
    });
  }

  const trustPolicy = buildTrustPolicy({
    providerArn: observed.trust.providerArn,
    providerUrl: observed.trust.providerUrl,
    subject: identity.principalId,
    audience: config.oidc.audience,
  });
  let roleArn = observed.role?.arn;
  if (plan.create.has("role") || !roleArn) {
    const role = await reporter.step(`create IAM role ${config.aws.roleName}`, () =>
      iam.createRole({
        name: config.aws.roleName,
        trustPolicy,
        maxSessionDuration: config.aws.maxSessionDuration,
        description: `Assumable only by Azure identity ${identity.id} (oidc-bridge)`,
        tags,
      }),
    );
    roleArn = role.arn;
    await store.record({
      kind: KINDS.role,
      layer: "identity",
      id: role.arn,
      createdByUs: true,
      attributes: { name: role.name },
    });
  }
  if (plan.update.has("trustPolicy"))
    await reporter.step(`update the trust policy of ${config.aws.roleName}`, () =>
      iam.updateTrustPolicy(config.aws.roleName, trustPolicy),
    );
  if (plan.update.has("sessionDuration"))
    await reporter.step(`set max session duration of ${config.aws.roleName}`, () =>
      iam.updateMaxSessionDuration(config.aws.roleName, config.aws.maxSessionDuration),
    );

  for (const arn of plan.attach) {
    await reporter.step(`attach ${arn}`, () => iam.attachPolicy(config.aws.roleName, arn));
    await store.record({
      kind: KINDS.policyAttachment,
      layer: "identity",
      id: `${roleArn}|${arn}`,
      createdByUs: true,
      attributes: { roleName: config.aws.roleName, policyArn: arn },
    });
  }
  for (const arn of plan.detach) {
    await reporter.step(`detach ${arn}`, () => iam.detachPolicy(config.aws.roleName, arn));
    await store.forget(KINDS.policyAttachment, `${roleArn}|${arn}`);
  }

  if (plan.create.has("parameter") || plan.update.has("parameter")) {
    const arn = roleArn;
    await reporter.step(`write ${config.aws.ssmParameterName}`, () =>
      ssm.putParameter({
        name: config.aws.ssmParameterName,
        value: arn,
        overwrite: !plan.create.has("parameter"),
        description: "IAM role the Azure VM assumes (oidc-bridge)",
        tags,
      }),
    );
    if (plan.create.has("parameter"))
      await store.record({
        kind: KINDS.parameter,
        layer: "identity",
        id: config.aws.ssmParameterName,
        createdByUs: true,
        attributes: { value: arn },
      });
  }

  const changed = plan.create.size + plan.update.size + plan.attach.length + plan.detach.length > 0;
  return { identity, roleArn, changed };
}

export function identityDesired(config: Config, store: StateStore, partition: string): IdentityDesired {
  return {
    config,
    tags: ownedTags(config, store.state.deploymentId),
    deploymentId: store.state.deploymentId,
    policyArns: resolvePolicyArns(config.aws.managedPolicies, partition),
    recorded: store.state.resources.filter((r) => r.layer === "identity"),
  };
}

function identityAttributes(identity: UserAssignedIdentity): Record<string, unknown> {
  return {
    name: identity.name,
    principalId: identity.principalId,
    clientId: identity.clientId,
    tenantId: identity.tenantId,
  };
}

function attributesOf(kind: string, observed: IdentityObservation): Record<string, unknown> {
  if (kind === KINDS.identity && observed.identity) return identityAttributes(observed.identity);
  if (kind === KINDS.resourceGroup && observed.resourceGroup)
    return { name: observed.resourceGroup.name, location: observed.resourceGroup.location };
  if (kind === KINDS.role && observed.role) return { name: observed.role.name };
  if (kind === KINDS.parameter && observed.parameter) return { value: observed.parameter.value };
  return {};
}

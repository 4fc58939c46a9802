import type { Action } from "../report/reporter.js";
import type { IamPort, OidcProvider, StsPort } from "../cloud/aws/ports.js";
import type { AzureSignInPort } from "../cloud/azure/ports.js";
import type { StateStore } from "../state/store.js";
import type { Reporter } from "../report/reporter.js";
import type { Config } from "../config/schema.js";
import { discover, type Fetcher } from "../oidc/discovery.js";
import { thumbprintOf, type HostThumbprint } from "../oidc/thumbprint.js";
import { ownedTags, taggedAsOurs } from "./tags.js";
import { userError } from "../errors.js";

/** IAM keeps at most five thumbprints per provider. */
export const MAX_THUMBPRINTS = 5;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const PROVIDER_KIND = "iam-oidc-provider";

export interface TrustPorts {
  readonly iam: IamPort;
  readonly sts: StsPort;
  readonly signIn: AzureSignInPort;
  readonly fetch?: Fetcher;
  readonly thumbprint?: (url: string) => Promise<HostThumbprint>;
}

/** What is true in the clouds now, as data. */
export interface TrustObservation {
  readonly tenantId: string;
  readonly issuer: string;
  readonly providerUrl: string;
  readonly providerArn: string;
  readonly partition: string;
  readonly thumbprints: readonly HostThumbprint[];
  readonly existing?: OidcProvider | undefined;
}

export interface TrustDesired {
  readonly audience: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly deploymentId: string;
  /** Whether the state file already records this provider, and whether we made it. */
  readonly recorded?: { readonly createdByUs: boolean } | undefined;
}

export interface TrustPlan {
  readonly actions: readonly Action[];
  /** The provider's client IDs and thumbprints after apply. */
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly create: boolean;
  readonly addClientId: boolean;
  readonly updateThumbprints: boolean;
  /** Whether we own it (created it) or only use it. */
  readonly createdByUs: boolean;
  /** Whether the state file must be written. */
  readonly record: boolean;
}

export async function observeTrust(
  config: Config,
  issuerHost: string,
  ports: TrustPorts,
  reporter: Reporter,
): Promise<TrustObservation> {
  const tenantId =
    config.azure.tenantId ??
    (await reporter.step("find the tenant of the signed-in Azure credential", () => ports.signIn.tenantId()));
  if (!GUID.test(tenantId)) {
    throw userError(
      "TENANT_INVALID",
      `azure.tenantId: "${tenantId}" is not a GUID`,
      "use the tenant (directory) id, e.g. from `az account show --query tenantId`",
    );
  }
  const issuer = `${issuerHost}/${tenantId}/`;
  const discovery = await reporter.step(`read OpenID discovery of ${issuer}`, () => discover(issuer, ports.fetch));
  const hosts = [discovery.jwksUri, issuer]
    .map((u) => new URL(u))
    .filter((u, i, all) => all.findIndex((o) => o.host === u.host) === i);
  const read = ports.thumbprint ?? thumbprintOf;
  const thumbprints = await reporter.step(`read TLS thumbprints of ${hosts.map((h) => h.host).join(" and ")}`, () =>
    Promise.all(hosts.map((h) => read(h.href))),
  );
  const caller = await reporter.step("find the AWS account", () => ports.sts.callerIdentity());
  const providerUrl = issuer.replace(/^https:\/\//, "");
  const providerArn = `arn:${caller.partition}:iam::${caller.account}:oidc-provider/${providerUrl}`;
  // IAM names a provider by its URL, so its ARN is known: one Get says whether it exists.
  const existing = await reporter.step("look for the IAM OpenID Connect provider", () =>
    ports.iam.getOidcProvider(providerArn),
  );
  return { tenantId, issuer, providerUrl, providerArn, partition: caller.partition, thumbprints, existing };
}

/** Pure: what must change, and why. */
export function planTrust(observed: TrustObservation, desired: TrustDesired): TrustPlan {
  const resource = `IAM OIDC provider ${observed.providerUrl}`;
  const current = observed.thumbprints.map((t) => t.thumbprint);
  const existing = observed.existing;
  if (!existing) {
    return {
      actions: [
        {
          kind: "create",
          resource,
          reason: `no provider trusts issuer ${observed.issuer}; client ID ${desired.audience}, thumbprints of ${observed.thumbprints.map((t) => t.host).join(", ")}`,
        },
      ],
      clientIds: [desired.audience],
      thumbprints: unique(current).slice(0, MAX_THUMBPRINTS),
      create: true,
      addClientId: false,
      updateThumbprints: false,
      createdByUs: true,
      record: true,
    };
  }
  const actions: Action[] = [];
  const createdByUs = desired.recorded?.createdByUs ?? taggedAsOurs(existing.tags, desired.deploymentId);
  if (!desired.recorded) {
    actions.push(
      createdByUs
        ? {
            kind: "adopt",
            resource,
            reason: "created by this deployment (its tags say so) but missing from the state file: recorded again",
          }
        : {
            kind: "adopt",
            resource,
            reason: "exists and was not created by this deployment: used as is, and `destroy` will leave it alone",
          },
    );
  }
  const addClientId = !existing.clientIds.includes(desired.audience);
  if (addClientId) {
    actions.push({
      kind: "update",
      resource,
      reason: `add client ID ${desired.audience}${existing.clientIds.length ? ` (keeping ${existing.clientIds.join(", ")})` : ""}`,
    });
  }
  const missing = unique(current).filter((t) => !existing.thumbprints.map((x) => x.toLowerCase()).includes(t));
  let thumbprints = [...existing.thumbprints];
  if (missing.length) {
    // Keep the old ones as long as there is room: a certificate rotation on Azure's side must not
    // break tokens signed before it. When full, the oldest that are not current go first.
    thumbprints = [...thumbprints, ...missing];
    const dropped: string[] = [];
    while (thumbprints.length > MAX_THUMBPRINTS) {
      const index = thumbprints.findIndex((t) => !current.includes(t.toLowerCase()));
      dropped.push(...thumbprints.splice(index < 0 ? 0 : index, 1));
    }
    actions.push({
      kind: "update",
      resource,
      reason: `add thumbprint${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (keeping the ${existing.thumbprints.length - dropped.length} already there${dropped.length ? `; dropping the oldest, ${dropped.join(", ")}, as IAM allows ${MAX_THUMBPRINTS}` : ""})`,
    });
  }
  if (!actions.some((a) => a.kind === "update"))
    actions.push({
      kind: "unchanged",
      resource,
      reason: `already trusts ${observed.issuer} for ${desired.audience} with current thumbprints`,
    });
  return {
    actions,
    clientIds: addClientId ? [...existing.clientIds, desired.audience] : existing.clientIds,
    thumbprints,
    create: false,
    addClientId,
    updateThumbprints: missing.length > 0,
    createdByUs,
    record: !desired.recorded,
  };
}

export interface TrustResult {
  readonly providerArn: string;
  readonly issuer: string;
  readonly tenantId: string;
  readonly changed: boolean;
}

export async function applyTrust(
  observed: TrustObservation,
  plan: TrustPlan,
  desired: TrustDesired,
  iam: IamPort,
  store: StateStore,
  reporter: Reporter,
): Promise<TrustResult> {
  const attributes = {
    url: observed.issuer,
    tenantId: observed.tenantId,
    audience: desired.audience,
    partition: observed.partition,
  };
  await store.ensureSaved();
  const record = (): Promise<void> =>
    store.record({
      kind: PROVIDER_KIND,
      layer: "trust",
      id: observed.providerArn,
      createdByUs: plan.createdByUs,
      attributes,
    });
  if (plan.create) {
    const arn = await reporter.step("create the IAM OpenID Connect provider", () =>
      iam.createOidcProvider({
        url: observed.issuer,
        clientIds: plan.clientIds,
        thumbprints: plan.thumbprints,
        tags: desired.tags,
      }),
    );
    if (arn !== observed.providerArn)
      reporter.debug("IAM returned another ARN than expected", { expected: observed.providerArn, arn });
    await record();
  } else {
    if (plan.record) await record();
    if (plan.addClientId)
      await reporter.step(`add client ID ${desired.audience}`, () =>
        iam.addClientId(observed.providerArn, desired.audience),
      );
    if (plan.updateThumbprints)
      await reporter.step("update thumbprints", () => iam.updateThumbprints(observed.providerArn, plan.thumbprints));
  }
  return {
    providerArn: observed.providerArn,
    issuer: observed.issuer,
    tenantId: observed.tenantId,
    changed: plan.create || plan.addClientId || plan.updateThumbprints,
  };
}

export function trustDesired(config: Config, store: StateStore): TrustDesired {
  const recorded = store.find(PROVIDER_KIND, "trust");
  return {
    audience: config.oidc.audience,
    tags: ownedTags(config, store.state.deploymentId),
    deploymentId: store.state.deploymentId,
    recorded: recorded && { createdByUs: recorded.createdByUs },
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

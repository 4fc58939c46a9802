import type { OidcProvider } from "../cloud/aws/ports.js";
import type { ResourceNode, Step } from "../engine/node.js";
import type { RecordOf } from "../state/schema.js";
import type { IssuerFacts } from "./facts.js";
import { adoptReason, ownershipOf } from "./tags.js";
import { createWithIntent } from "./intent.js";

/** IAM keeps at most five thumbprints per provider. */
export const MAX_THUMBPRINTS = 5;
const KIND = "iam-oidc-provider";

export interface ProviderObserved {
  readonly issuer: IssuerFacts;
  readonly account: string;
  readonly partition: string;
  readonly arn: string;
  readonly existing: OidcProvider | undefined;
}

export interface ProviderOutputs {
  readonly providerArn: string;
  /** Without scheme: the prefix of the trust policy's condition keys. */
  readonly providerUrl: string;
  readonly issuer: string;
  readonly tenantId: string;
  readonly partition: string;
}

type Attributes = RecordOf<typeof KIND>["attributes"];

/** The IAM OpenID Connect provider that trusts the tenant's issuer for our audience. */
export const oidcProvider: ResourceNode<ProviderObserved, ProviderOutputs> = {
  id: "oidc-provider",
  layer: "trust",
  needs: [],

  async lookup({ facts, ports, reporter }) {
    const [issuer, caller] = await Promise.all([facts.issuer(), facts.caller()]);
    // IAM names a provider by its URL, so its ARN is known: one Get says whether it exists.
    const arn = `arn:${caller.partition}:iam::${caller.account}:oidc-provider/${issuer.providerUrl}`;
    const existing = await reporter.step("look for the IAM OpenID Connect provider", async () =>
      (await ports.oidcProviders()).get(arn),
    );
    return { issuer, account: caller.account, partition: caller.partition, arn, existing };
  },

  plan(observed, { config, state }) {
    const { issuer, arn, existing } = observed;
    const audience = config.oidc.audience;
    const resource = `IAM OIDC provider ${issuer.providerUrl}`;
    const current = unique(issuer.thumbprints.map((t) => t.thumbprint));
    const outputs: ProviderOutputs = {
      providerArn: arn,
      providerUrl: issuer.providerUrl,
      issuer: issuer.issuer,
      tenantId: issuer.tenantId,
      partition: observed.partition,
    };
    const recorded = state.find(KIND, arn);
    const base: Attributes = recorded?.attributes ?? {
      url: issuer.issuer,
      tenantId: issuer.tenantId,
      audience,
      partition: observed.partition,
      addedClientIds: [],
      addedThumbprints: [],
      removedThumbprints: [],
    };
    const record = (createdByUs: boolean, attributes: Attributes) =>
      ({
        kind: KIND,
        layer: "trust",
        node: "oidc-provider",
        id: arn,
        createdByUs,
        status: "ready",
        attributes,
      }) as const;

    if (!existing) {
      const thumbprints = current.slice(0, MAX_THUMBPRINTS);
      const step: Step<ProviderOutputs> = {
        kind: "create",
        resource,
        reason: `no provider trusts issuer ${issuer.issuer}; client ID ${audience}, thumbprints of ${issuer.thumbprints.map((t) => t.host).join(", ")}`,
        async apply({ ports, store, tags: ourTags }) {
          const attributes = { ...base, audience, addedClientIds: [], addedThumbprints: [], removedThumbprints: [] };
          const providers = await ports.oidcProviders();
          await createWithIntent(
            store,
            { kind: KIND, layer: "trust", node: "oidc-provider", id: arn, attributes },
            () => providers.create({ url: issuer.issuer, clientIds: [audience], thumbprints, tags: ourTags }),
          );
          await store.put(record(true, attributes));
          return undefined;
        },
      };
      return { steps: [step], outputs };
    }

    const steps: Step<ProviderOutputs>[] = [];
    const owner = ownershipOf(recorded, existing.tags, state.deploymentId);
    // Each step records what it changed, so `destroy` can take back exactly that from a provider
    // that is not ours. Attributes accumulate across steps in the order they run.
    let attributes: Attributes = base;
    if (owner.how !== "recorded") {
      const adopted = attributes;
      steps.push({
        kind: "adopt",
        resource,
        reason: adoptReason(owner),
        async apply({ store }) {
          await store.put(record(owner.createdByUs, adopted));
          return undefined;
        },
      });
    }
    if (!existing.clientIds.includes(audience)) {
      attributes = { ...attributes, addedClientIds: unique([...attributes.addedClientIds, audience]) };
      const after = attributes;
      steps.push({
        kind: "update",
        resource,
        reason: `add client ID ${audience}${existing.clientIds.length ? ` (keeping ${existing.clientIds.join(", ")})` : ""}`,
        async apply({ ports, store }) {
          // Recorded first: a crash right after the call must not hide the change from `destroy`
          // (removing a client ID that was never added is a no-op in IAM).
          await store.put(record(owner.createdByUs, after));
          await (await ports.oidcProviders()).addClientId(arn, audience);
          return undefined;
        },
      });
    }
    const have = existing.thumbprints.map((t) => t.toLowerCase());
    const missing = current.filter((t) => !have.includes(t));
    if (missing.length) {
      // Keep the old ones while there is room: a certificate rotation on Azure's side must not
      // break tokens signed before it. When full, the oldest that are not current go first.
      const next = [...existing.thumbprints, ...missing];
      const dropped: string[] = [];
      while (next.length > MAX_THUMBPRINTS) {
        const index = next.findIndex((t) => !current.includes(t.toLowerCase()));
        dropped.push(...next.splice(index < 0 ? 0 : index, 1));
      }
      attributes = {
        ...attributes,
        addedThumbprints: unique([...attributes.addedThumbprints, ...missing]),
        removedThumbprints: unique([...attributes.removedThumbprints, ...dropped]),
      };
      const after = attributes;
      steps.push({
        kind: "update",
        resource,
        reason: `add thumbprint${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (keeping the ${existing.thumbprints.length - dropped.length} already there${dropped.length ? `; dropping the oldest, ${dropped.join(", ")}, as IAM allows ${MAX_THUMBPRINTS}` : ""})`,
        async apply({ ports, store }) {
          await store.put(record(owner.createdByUs, after));
          await (await ports.oidcProviders()).updateThumbprints(arn, next);
          return undefined;
        },
      });
    }
    if (!steps.some((s) => s.kind === "update")) {
      steps.push({
        kind: "unchanged",
        resource,
        reason: `already trusts ${issuer.issuer} for ${audience} with current thumbprints`,
      });
    }
    return { steps, outputs };
  },

  fromState(state) {
    const record = state.records(KIND, "trust").find((r) => r.status === "ready");
    if (!record) return undefined;
    return {
      providerArn: record.id,
      providerUrl: record.attributes.url.replace(/^https:\/\//, ""),
      issuer: record.attributes.url,
      tenantId: record.attributes.tenantId,
      partition: record.attributes.partition,
    };
  },
};

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

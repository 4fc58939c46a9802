import type { OidcProvider } from "../../cloud/aws/ports.js";
import { MAX_THUMBPRINTS } from "../../resources/oidc-provider.js";
import type { RecordOf } from "../../state/schema.js";
import type { StateView } from "../../state/store.js";
import {
  ADOPTED_REASON,
  NOT_OURS_REASON,
  deleteStep,
  forgetGone,
  leave,
  stillOurs,
  tagDrift,
  type DestroyStep,
  type Destroyer,
} from "../destroyer.js";

type ProviderRecord = RecordOf<"iam-oidc-provider">;

export interface ProviderSeen {
  readonly provider: OidcProvider;
  /** Roles other than the ones this destroy deletes whose trust policy names the provider. */
  readonly namedBy: readonly string[];
}

/**
 * The OIDC provider: ours is deleted once our role is gone, unless another role still trusts it
 * (`--force` deletes it anyway); on an adopted one, exactly the client IDs and thumbprints we
 * added are taken back, and those we dropped put back.
 */
export const providerDestroyer: Destroyer<"iam-oidc-provider", ProviderSeen> = {
  kind: "iam-oidc-provider",
  uses: [],
  inResourceGroup: false,
  label,

  async lookup(record, { ports, state, purpose }) {
    const provider = await (await ports.oidcProviders()).get(record.id);
    if (!provider) return undefined;
    // Only a provider we would delete needs to know who else trusts it (an account-wide listing).
    if (!record.createdByUs || purpose === "refresh") return { provider, namedBy: [] };
    const ours = new Set(state.records("iam-role").flatMap((r) => (r.createdByUs ? [r.id] : [])));
    const roles = await (await ports.roles()).list();
    const needle = JSON.stringify(record.id);
    const namedBy = roles
      .filter((role) => !ours.has(role.arn) && JSON.stringify(role.trustPolicy).includes(needle))
      .map((role) => role.name);
    return { provider, namedBy };
  },

  plan(record, seen, { state, force }) {
    const resource = label(record);
    if (!seen) return [forgetGone(record, resource)];
    const { provider, namedBy } = seen;
    if (!record.createdByUs) return takeBack(record, provider, resource);
    if (!stillOurs(record, provider.tags, state.deploymentId)) return [leave(resource, NOT_OURS_REASON)];
    const roles = namedBy.join(", ");
    if (namedBy.length && !force) {
      return [
        leave(
          resource,
          `still trusted by role${namedBy.length > 1 ? "s" : ""} ${roles}: left (add --force to delete it anyway)`,
        ),
      ];
    }
    const reason = namedBy.length
      ? `created by this deployment; --force: role${namedBy.length > 1 ? "s" : ""} ${roles} still name it and can no longer be assumed through it`
      : "created by this deployment; no other role names it";
    return [deleteStep(record, resource, reason, async (ports) => (await ports.oidcProviders()).delete(record.id))];
  },

  drift(record, { provider }, state: StateView) {
    const audience = record.attributes.audience;
    return [
      ...tagDrift(record, provider.tags, state.deploymentId),
      ...(provider.clientIds.includes(audience) ? [] : [`client ID ${audience} is no longer on it`]),
    ];
  },
};

function label(record: ProviderRecord): string {
  return `IAM OIDC provider ${record.attributes.url.replace(/^https:\/\//, "")}`;
}

/** The exact changes we made to someone else's provider, undone; nothing else is touched. */
function takeBack(record: ProviderRecord, provider: OidcProvider, resource: string): DestroyStep[] {
  const { addedClientIds, addedThumbprints, removedThumbprints } = record.attributes;
  const clientIds = addedClientIds.filter((id) => provider.clientIds.includes(id));
  const added = new Set(addedThumbprints.map((t) => t.toLowerCase()));
  const kept = provider.thumbprints.filter((t) => !added.has(t.toLowerCase()));
  const have = new Set(kept.map((t) => t.toLowerCase()));
  const thumbprints = [...kept, ...removedThumbprints.filter((t) => !have.has(t.toLowerCase()))].slice(
    0,
    MAX_THUMBPRINTS,
  );
  const same =
    thumbprints.length === provider.thumbprints.length &&
    thumbprints.every((t, i) => t.toLowerCase() === provider.thumbprints[i]?.toLowerCase());
  // A provider must keep a thumbprint list IAM accepts: an empty one is not put back.
  const changeThumbprints = !same && thumbprints.length > 0;
  if (!clientIds.length && !changeThumbprints) return [leave(resource, `${ADOPTED_REASON}; nothing of ours on it`)];
  const changes = [
    ...(clientIds.length ? [`remove client ID ${clientIds.join(", ")}`] : []),
    ...(changeThumbprints ? [`thumbprints back to ${thumbprints.join(", ")}`] : []),
  ];
  return [
    {
      kind: "update",
      resource,
      reason: `adopted: take back what this deployment changed (${changes.join("; ")}); the provider stays`,
      async apply({ ports, store }) {
        const providers = await ports.oidcProviders();
        for (const id of clientIds) await providers.removeClientId(record.id, id);
        if (changeThumbprints) await providers.updateThumbprints(record.id, thumbprints);
        await store.forget(record.kind, record.id);
        return undefined;
      },
    },
  ];
}

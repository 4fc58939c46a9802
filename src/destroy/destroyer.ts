import type { CloudPorts } from "../cloud/ports.js";
import type { Step } from "../engine/node.js";
import type { RecordKind, RecordOf } from "../state/schema.js";
import type { StateView } from "../state/store.js";
import { taggedAsOurs } from "../resources/tags.js";

export type DestroyStep = Step<Record<string, never>>;

export interface DestroyLookupContext {
  readonly ports: CloudPorts;
  readonly state: StateView;
  /** `status --refresh` only compares: it needs no facts that only a delete decision uses. */
  readonly purpose?: "destroy" | "refresh";
}

export interface DestroyPlanContext {
  readonly state: StateView;
  /** `--force`: delete the OIDC provider even while other roles name it. */
  readonly force: boolean;
}

/**
 * How one record kind is taken down, as a small module: read the recorded resource ("gone" is
 * undefined, never an error; never a write, as `status --refresh` reuses it), a pure plan, and
 * what of it drifted from the record.
 */
export interface Destroyer<K extends RecordKind, Observed = unknown> {
  readonly kind: K;
  /**
   * Kinds this one uses (as `up` needs them): destroy deletes this one before those. Resources in
   * a resource group use the group without saying so.
   */
  readonly uses: readonly RecordKind[];
  /** Whether it lives in an Azure resource group (deleted before the group). */
  readonly inResourceGroup: boolean;
  label(record: RecordOf<K>): string;
  lookup(record: RecordOf<K>, ctx: DestroyLookupContext): Promise<Observed | undefined>;
  plan(record: RecordOf<K>, observed: Observed | undefined, ctx: DestroyPlanContext): DestroyStep[];
  /** How the resource differs from what the record (and our tags) say; empty when it does not. */
  drift(record: RecordOf<K>, observed: Observed, state: StateView): string[];
  /** Files of ours on this machine that go once the resource is gone (e.g. a private key). */
  localFiles?(record: RecordOf<K>): string[];
}

// The registry holds destroyers of every kind and observation type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDestroyer = Destroyer<any, any>;

/** The resource is gone already: deleting it has succeeded, and only the record is left to drop. */
export function forgetGone(record: RecordOf<RecordKind>, resource: string): DestroyStep {
  return {
    kind: "delete",
    resource,
    reason:
      record.status === "intended"
        ? "its creation never took effect (only the intent was recorded): the record is dropped"
        : "already gone: the record is dropped",
    async apply({ store }) {
      await store.forget(record.kind, record.id);
      return undefined;
    },
  };
}

/** Deletes with `remove`, then drops the record at once, so a rerun never tries it again. */
export function deleteStep(
  record: RecordOf<RecordKind>,
  resource: string,
  reason: string,
  remove: (ports: CloudPorts) => Promise<void>,
): DestroyStep {
  return {
    kind: "delete",
    resource,
    reason,
    async apply({ ports, store }) {
      await remove(ports);
      await store.forget(record.kind, record.id);
      return undefined;
    },
  };
}

/** Left in the cloud, with the reason; nothing to apply. */
export function leave(resource: string, reason: string): DestroyStep {
  return { kind: "skip", resource, reason };
}

export const ADOPTED_REASON = "adopted (existed before this deployment): left alone";

/**
 * Whether a resource we created is still the one we created: a name can be reused after someone
 * deleted ours. Resources we create carry our deployment's tags from their first call, so one
 * without them is someone else's now.
 */
export function stillOurs(
  record: { readonly createdByUs: boolean },
  tags: Readonly<Record<string, string>>,
  deploymentId: string,
): boolean {
  return record.createdByUs && taggedAsOurs(tags, deploymentId);
}

export const NOT_OURS_REASON =
  "recorded as created by this deployment, but it no longer carries this deployment's tags (replaced by someone else?): left alone";

/** Drift in our tags, which every resource we create carries. */
export function tagDrift(
  record: { readonly createdByUs: boolean },
  tags: Readonly<Record<string, string>>,
  deploymentId: string,
): string[] {
  return record.createdByUs && !taggedAsOurs(tags, deploymentId)
    ? [`does not carry this deployment's tags (managed-by, oidc-bridge-deployment=${deploymentId})`]
    : [];
}

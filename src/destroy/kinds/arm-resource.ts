import type { ArmResource } from "../../cloud/azure/ports.js";
import type { RecordKind, RecordOf } from "../../state/schema.js";
import {
  ADOPTED_REASON,
  NOT_OURS_REASON,
  deleteStep,
  forgetGone,
  leave,
  stillOurs,
  tagDrift,
  type Destroyer,
} from "../destroyer.js";

export interface ArmKind<K extends RecordKind> {
  readonly kind: K;
  /** The resource provider's api-version for reads and deletes by id. */
  readonly apiVersion: string;
  readonly uses: readonly RecordKind[];
  /** False for types Azure keeps no tags on (subnets): the record alone says whose it is. */
  readonly tagged?: boolean;
  label(record: RecordOf<K>): string;
  /** Files on this machine that go with it (a private key). */
  localFiles?(record: RecordOf<K>): string[];
  /** Drift beyond our tags, from the provider's properties. */
  drift?(record: RecordOf<K>, resource: ArmResource): string[];
}

/**
 * An Azure resource in our resource group, read and deleted by its ARM id: most Azure kinds are
 * this plus their api-version and what they use. The delete waits for its long-running operation.
 */
export function armDestroyer<K extends RecordKind>(spec: ArmKind<K>): Destroyer<K, ArmResource> {
  return {
    kind: spec.kind,
    uses: spec.uses,
    inResourceGroup: true,
    label: (record) => spec.label(record),

    async lookup(record, { ports }) {
      return (await ports.armResources()).get(record.id, spec.apiVersion);
    },

    plan(record, resource, { state }) {
      const label = spec.label(record);
      const files = spec.localFiles?.(record) ?? [];
      // What goes says its local files too (removed at the end, once nothing needs them).
      const goes = `${label}${files.length ? ` and the local file ${files.join(", ")}` : ""}`;
      if (!resource) return [forgetGone(record, goes)];
      if (!record.createdByUs) return [leave(label, ADOPTED_REASON)];
      const ours = spec.tagged === false || stillOurs(record, resource.tags, state.deploymentId);
      if (!ours) return [leave(label, NOT_OURS_REASON)];
      return [
        deleteStep(record, goes, "created by this deployment", async (ports) =>
          (await ports.armResources()).delete(record.id, spec.apiVersion),
        ),
      ];
    },

    ...(spec.localFiles ? { localFiles: (record: RecordOf<K>) => spec.localFiles?.(record) ?? [] } : {}),
    drift: (record, resource, state) => [
      ...(spec.tagged === false ? [] : tagDrift(record, resource.tags, state.deploymentId)),
      ...(spec.drift?.(record, resource) ?? []),
    ],
  };
}

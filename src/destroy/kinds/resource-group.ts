import type { ArmResource, ResourceGroup } from "../../cloud/azure/ports.js";
import { userError } from "../../errors.js";
import type { StateView } from "../../state/store.js";
import type { RecordKind } from "../../state/schema.js";
import { taggedAsOurs } from "../../resources/tags.js";
import {
  ADOPTED_REASON,
  NOT_OURS_REASON,
  forgetGone,
  leave,
  stillOurs,
  tagDrift,
  type Destroyer,
} from "../destroyer.js";

export interface GroupSeen {
  readonly group: ResourceGroup;
  readonly resources: readonly ArmResource[];
}

/**
 * What in the group this deployment did not create (and so must not be deleted with it): ours is
 * recorded as created by us and still carries our tags (else its own step leaves it, too).
 */
function othersIn(resources: readonly ArmResource[], state: StateView, kinds: readonly RecordKind[]): string[] {
  const ours = new Set(
    kinds.flatMap((kind) => state.records(kind).flatMap((r) => (r.createdByUs ? [r.id.toLowerCase()] : []))),
  );
  return resources
    .filter((r) => !(ours.has(r.id.toLowerCase()) && taggedAsOurs(r.tags, state.deploymentId)))
    .map((r) => r.id);
}

/**
 * The resource group, last: deleting a group deletes everything in it, so it goes only when it
 * holds nothing but what this deployment created (all deleted before it by then).
 */
export function groupDestroyer(kinds: () => readonly RecordKind[]): Destroyer<"azure-resource-group", GroupSeen> {
  const label = (name: string) => `resource group ${name}`;
  return {
    kind: "azure-resource-group",
    uses: [],
    inResourceGroup: false,
    label: (record) => label(record.attributes.name),

    async lookup(record, { ports }) {
      const name = record.attributes.name;
      const group = await (await ports.resourceGroups()).get(name);
      if (!group || group.id.toLowerCase() !== record.id.toLowerCase()) return undefined;
      return { group, resources: (await (await ports.armResources()).listGroup(name)) ?? [] };
    },

    plan(record, seen, { state }) {
      const name = record.attributes.name;
      const resource = label(name);
      if (!seen) return [forgetGone(record, resource)];
      if (!record.createdByUs) return [leave(resource, ADOPTED_REASON)];
      if (!stillOurs(record, seen.group.tags, state.deploymentId)) return [leave(resource, NOT_OURS_REASON)];
      const others = othersIn(seen.resources, state, kinds());
      if (others.length) {
        return [
          leave(resource, `holds resources this deployment did not create (${others.join(", ")}): left with them`),
        ];
      }
      return [
        {
          kind: "delete",
          resource,
          reason: "created by this deployment, and holds nothing else",
          async apply({ ports, store }) {
            const arm = await ports.armResources();
            // Checked again right before: a group delete takes everything in it along.
            const now = othersIn((await arm.listGroup(name)) ?? [], store, kinds());
            if (now.length) {
              throw userError(
                "DESTROY_GROUP_NOT_EMPTY",
                `resource group ${name} now holds resources this deployment did not create: ${now.join(", ")}`,
                "it was not deleted; move or delete those resources (or the group) yourself, then run destroy again",
              );
            }
            await arm.deleteGroup(name);
            await store.forget(record.kind, record.id);
            return undefined;
          },
        },
      ];
    },

    drift: (record, seen, state) => tagDrift(record, seen.group.tags, state.deploymentId),
  };
}

import type { Parameter } from "../../cloud/aws/ports.js";
import type { RecordOf } from "../../state/schema.js";
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

const label = (record: RecordOf<"ssm-parameter">): string => `SSM parameter ${record.attributes.name}`;

/**
 * The SSM parameter holding the role ARN: ours is deleted; on someone else's, the value we
 * overwrote is put back, unless it has been changed again since (then it is theirs).
 */
export const parameterDestroyer: Destroyer<"ssm-parameter", Parameter> = {
  kind: "ssm-parameter",
  uses: ["iam-role"],
  inResourceGroup: false,
  label,

  async lookup(record, { ports }) {
    return (await ports.ssm()).get(record.attributes.name);
  },

  plan(record, parameter, { state }) {
    const resource = label(record);
    if (!parameter) return [forgetGone(record, resource)];
    const name = record.attributes.name;
    if (record.createdByUs) {
      if (!stillOurs(record, parameter.tags, state.deploymentId)) return [leave(resource, NOT_OURS_REASON)];
      return [
        deleteStep(record, resource, "created by this deployment", async (ports) => (await ports.ssm()).delete(name)),
      ];
    }
    const previous = record.attributes.previousValue;
    if (previous === undefined) return [leave(resource, `${ADOPTED_REASON}; its value was never changed by us`)];
    if (parameter.value === previous) return [leave(resource, `${ADOPTED_REASON}; it holds its previous value again`)];
    const ours = state.find("iam-role")?.id;
    if (ours !== undefined && parameter.value !== ours) {
      return [
        leave(
          resource,
          `adopted, and changed by someone else since we wrote it (holds ${parameter.value}): left as is`,
        ),
      ];
    }
    return [
      {
        kind: "update",
        resource,
        reason: `adopted: put back the value it held before this deployment (${previous}); the parameter stays`,
        async apply({ ports, store }) {
          await (await ports.ssm()).restore(name, previous);
          await store.forget(record.kind, record.id);
          return undefined;
        },
      },
    ];
  },

  drift(record, parameter, state) {
    const role = state.find("iam-role")?.id;
    return [
      ...tagDrift(record, parameter.tags, state.deploymentId),
      ...(role !== undefined && parameter.value !== role ? [`holds ${parameter.value}, not the role ARN ${role}`] : []),
    ];
  },
};

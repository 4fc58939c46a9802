import type { RecordOf } from "../../state/schema.js";
import { forgetGone, leave, type Destroyer } from "../destroyer.js";

const label = (record: RecordOf<"vm-setup">): string => `token set-up on ${record.attributes.host}`;

/**
 * What `configure` put on the VM (refresher, timer, AWS profile). On our VM it goes with the VM,
 * so only the record is dropped; on someone else's VM taking it back needs the VM's shell, which
 * destroy does not open yet: it is left, and the output says what stays there.
 */
export const vmSetupDestroyer: Destroyer<"vm-setup", boolean> = {
  kind: "vm-setup",
  uses: ["azure-virtual-machine"],
  inResourceGroup: false,
  label,

  // Nothing to read in a cloud: whose VM it is decides, and the state file says that.
  lookup: (_record, { state }) => Promise.resolve(state.records("azure-virtual-machine").some((vm) => vm.createdByUs)),

  plan(record, onOurVm) {
    const resource = label(record);
    if (onOurVm) {
      return [{ ...forgetGone(record, resource), reason: "on the VM this deployment created, and goes with it" }];
    }
    const { profile, scheduler } = record.attributes;
    return [
      leave(
        resource,
        `on a VM this deployment did not create: the AWS profile ${profile}${scheduler === "none" ? "" : ` and the ${scheduler} token refresher`} stay there; remove them by hand`,
      ),
    ];
  },

  drift: () => [],
};

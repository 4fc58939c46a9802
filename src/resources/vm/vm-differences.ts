import type { VirtualMachine } from "../../cloud/azure/vm-ports.js";
import type { Config } from "../../config/schema.js";
import { isKnown, type Planned } from "../../engine/known-after-apply.js";
import { sameArmId } from "./arm-ids.js";

/** How an existing VM differs from the config: each would need a rebuild, so each is only reported. */
export function vmDifferences(
  vm: VirtualMachine,
  config: Config,
  publicKey: Planned<string>,
  nicId: Planned<string>,
): string[] {
  const { size, image, adminUsername } = config.azure.vm;
  const [publisher, offer, sku, version] = vm.image.split(":");
  const wanted = [image.publisher, image.offer, image.sku].join(":").toLowerCase();
  const keys = vm.sshKeys.map((k) => k.trim().split(/\s+/).slice(0, 2).join(" "));
  return [
    ...(vm.size.toLowerCase() === size.toLowerCase() ? [] : [`size ${vm.size}, the config says ${size}`]),
    ...([publisher, offer, sku].join(":").toLowerCase() === wanted &&
    (image.version === "latest" || version === image.version)
      ? []
      : [`image ${vm.image}, the config says ${wanted}:${image.version}`]),
    ...(vm.adminUsername === adminUsername ? [] : [`admin ${vm.adminUsername}, the config says ${adminUsername}`]),
    ...(isKnown(publicKey) && !keys.includes(publicKey) ? ["it does not list our SSH key"] : []),
    ...(vm.passwordLogin ? ["password login is enabled"] : []),
    ...(isKnown(nicId) && !vm.nicIds.some((id) => sameArmId(id, nicId))
      ? ["it does not use our network interface"]
      : []),
  ];
}

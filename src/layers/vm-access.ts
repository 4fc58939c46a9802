import type { Config } from "../config/schema.js";
import type { VmAccess } from "../remote/host-port.js";
import type { StateView } from "../state/store.js";

// Wired to the vm layer's records when that layer lands (branch vm-layer).
export function vmAccessFromState(_state: StateView, _config: Config): VmAccess | undefined {
  return undefined;
}

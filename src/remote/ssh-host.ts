import type { HostPort, VmAccess } from "./host-port.js";
import type { CloudSession } from "../cloud/session.js";
import { userError } from "../errors.js";

// Replaced by the vm layer's SSH port when it lands (branch vm-layer).
export function connectSsh(access: VmAccess, _session: CloudSession): Promise<HostPort> {
  return Promise.reject(
    userError("LAYER_MISSING", `no SSH transport to ${access.address} yet`, "run `oidc-bridge vm`"),
  );
}

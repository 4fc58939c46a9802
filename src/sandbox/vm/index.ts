/**
 * The insides of a sandbox VM (sshd, the image's tools, cloud-init's record) and the
 * what-is-my-IP service. Depends on Node and ssh2 only; see README.md for how it is wired.
 */
export { createVmHost, removeVmFolder, type VmHost, type VmHostOptions } from "./vm-host.js";
export {
  SANDBOX_PUBLIC_IPV4,
  checkIpResponse,
  handleCheckIp,
  publicAddressOf,
  type CheckIpResponse,
} from "./checkip.js";
export { VmHostError } from "./vm-error.js";
export { vmAwsMode, type VmAwsMode } from "./host-aws.js";
export { generateEd25519, type OpenSshKeyPair } from "./openssh-key.js";

/** The running sandbox VMs (sshd, IMDS) and the what-is-my-IP endpoint; see service.ts. */
export { createVmService, type VmService } from "./service.js";

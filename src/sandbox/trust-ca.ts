import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { SandboxError } from "./harness/sandbox-error.js";

const trusted = new Set<string>();

/**
 * Makes this process trust the sandbox CA for every client at once (MSAL, both ARM client
 * generations, fetch). Needs Node >= 24.5 (tls.setDefaultCACertificates).
 */
export function trustCa(caPem: string): void {
  if (trusted.has(caPem)) return;
  if (typeof setDefaultCACertificates !== "function") {
    throw new SandboxError(
      "SANDBOX_NODE_TOO_OLD",
      `the sandbox needs Node.js 24.5 or newer to trust its CA in-process (this is ${process.version})`,
      "run oidc-bridge with Node 24 (see README: scripts/use-node24.sh)",
    );
  }
  setDefaultCACertificates([...getCACertificates("default"), caPem]);
  trusted.add(caPem);
}

/**
 * With HTTPS_PROXY set, the Azure SDK sends even 127.0.0.1 to the proxy and silently drops our CA
 * settings; the sandbox is always local, so loopback bypasses any proxy.
 */
export function bypassProxy(): void {
  const current = process.env.NO_PROXY ?? process.env.no_proxy ?? "";
  if (current.split(",").some((h) => h.trim() === "127.0.0.1")) return;
  process.env.NO_PROXY = [current, "127.0.0.1", "localhost"].filter((h) => h).join(",");
}

import { getCACertificates, setDefaultCACertificates } from "node:tls";

/**
 * Makes this test process trust a sandbox's CA for every HTTPS client at once (the AWS SDK's
 * handler, fetch), exactly as the CLI does when it opens a sandbox.
 */
export function trustSandboxCa(caPem: string): void {
  if (getCACertificates("default").includes(caPem)) return;
  setDefaultCACertificates([...getCACertificates("default"), caPem]);
}

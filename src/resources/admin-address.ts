import { isIPv4, isIPv6 } from "node:net";
import { BridgeError } from "../errors.js";
import type { Fetcher } from "../oidc/discovery.js";
import { fetchWithRetry } from "../util/fetch-retry.js";

const FIX =
  'set adminCidrs to your public address instead of "auto", e.g. ["203.0.113.4/32"] (or set checkIpUrl to a service that answers with your address)';

/**
 * This machine's public address as a CIDR (/32 or /128), from a what-is-my-IP service that
 * answers with the bare address, as https://checkip.amazonaws.com does. Anything else is refused:
 * a wrong address here would open SSH to someone else.
 */
export async function askPublicAddress(url: string, fetcher: Fetcher = fetch, timeoutMs = 10_000): Promise<string> {
  const fail = (what: string, cause?: unknown) =>
    new BridgeError(`adminCidrs "auto": ${url} ${what}`, { code: "ADMIN_ADDRESS_UNKNOWN", hint: FIX, cause });
  let text: string;
  try {
    const response = await fetchWithRetry(url, fetcher, { timeoutMs });
    if (!response.ok) throw fail(`answered HTTP ${response.status}`);
    text = (await response.text()).trim();
  } catch (err) {
    if (err instanceof BridgeError) throw err;
    throw fail(`could not be asked: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (isIPv4(text)) return `${text}/32`;
  if (isIPv6(text)) return `${text}/128`;
  throw fail(`answered ${JSON.stringify(text.slice(0, 60))}, which is not an IPv4 or IPv6 address`);
}

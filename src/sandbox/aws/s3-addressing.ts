import { isIP } from "node:net";
import type { SandboxRequest } from "../harness/types.js";

/**
 * Which bucket and key an S3 request addresses. Path style puts the bucket first in the path
 * (`/bucket/key`); virtual-hosted style puts it in front of the host name (`bucket.localhost`,
 * `bucket.s3.eu-central-1.amazonaws.com`) and leaves the whole path to the key.
 */
export interface S3Address {
  readonly bucket?: string;
  readonly key?: string;
}

/** Host names that are the S3 endpoint itself, so the path carries the bucket. */
const SERVICE_HOST = /^(localhost|s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com)$/;
/** `<bucket>.<endpoint host>`: the bucket is the part in front. */
const VIRTUAL_HOST = /^(.+)\.(localhost|s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com)$/;

function hostName(req: SandboxRequest): string {
  const host = String(req.headers.host ?? "").toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  return host.replace(/:\d+$/, "");
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function s3Address(req: SandboxRequest): S3Address {
  const host = hostName(req);
  const path = req.path.replace(/^\//, "");
  const virtual = isIP(host.replace(/^\[|\]$/g, "")) === 0 && !SERVICE_HOST.test(host) ? VIRTUAL_HOST.exec(host) : null;
  if (virtual?.[1]) return { bucket: virtual[1], ...(path !== "" ? { key: decode(path) } : {}) };
  if (path === "") return {};
  const slash = path.indexOf("/");
  if (slash === -1) return { bucket: decode(path) };
  const key = path.slice(slash + 1);
  return { bucket: decode(path.slice(0, slash)), ...(key !== "" ? { key: decode(key) } : {}) };
}

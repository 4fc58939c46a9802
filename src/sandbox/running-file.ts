import { readFileSync, unlinkSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { envFilePath } from "./env-file.js";
import { CONTROL_IDENTITY_PATH, type SandboxIdentity } from "./harness/control.js";
import { readTextIfExists, removeFile, writeFileAtomic } from "./harness/safe-file.js";

/** What `sandbox start` publishes so commands in other terminals use its sandbox. */
export interface RunningSandboxInfo {
  readonly pid: number;
  /** The sandbox's start; its control listener must answer the same id. */
  readonly instanceId: string;
  readonly controlUrl: string;
  readonly endpoints: Record<string, string>;
  readonly caPem: string;
  readonly journalPath: string;
}

const FILE = "running.json";
// A live sandbox answers its control listener in milliseconds; a process that is not one may
// accept the connection and never answer.
const IDENTITY_TIMEOUT_MS = 2_000;

export function runningFilePath(dir: string): string {
  return join(dir, FILE);
}

export async function publishRunning(dir: string, info: RunningSandboxInfo): Promise<void> {
  await writeFileAtomic(runningFilePath(dir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes running.json if it still describes `instanceId` (a newer sandbox's file stays). */
export async function unpublishRunning(dir: string, instanceId: string): Promise<void> {
  const path = runningFilePath(dir);
  const text = await readTextIfExists(path).catch(() => undefined);
  if (text !== undefined && parseInfo(text)?.instanceId === instanceId) await removeFile(path);
}

/** The same as unpublishRunning, synchronously: for process "exit", where nothing async runs. */
export function unpublishRunningSync(dir: string, instanceId: string): void {
  const path = runningFilePath(dir);
  try {
    if (parseInfo(readFileSync(path, "utf8"))?.instanceId === instanceId) unlinkSync(path);
  } catch {
    // Already gone, or unreadable: nothing of ours to remove.
  }
}

/**
 * The sandbox `sandbox start` is running from `dir`, if there is one. A running.json is trusted only
 * if its process is alive AND answers on its control listener with the same instance id: a pid can
 * be reused by any process after a crash. A file that fails is removed (if nobody replaced it in
 * the meantime), with the env.sh its sandbox wrote, and `warn` is told.
 */
export async function findRunning(
  dir: string,
  warn: (message: string) => void = () => undefined,
): Promise<RunningSandboxInfo | undefined> {
  const path = runningFilePath(dir);
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const info = parseInfo(text);
  let why: string;
  if (!info) why = "it is unreadable";
  else if (!isAlive(info.pid)) why = `pid ${info.pid} is no longer running`;
  else {
    const identity = await askIdentity(info.controlUrl);
    if (identity?.instanceId === info.instanceId && identity.pid === info.pid) return info;
    why = identity ? `pid ${info.pid} is not the sandbox it names` : `pid ${info.pid} is not a sandbox`;
  }
  // Only the file we judged: a sandbox that started since then has written its own. The env.sh
  // next to it was that sandbox's too, and holds secrets nobody will use.
  if ((await readTextIfExists(path)) === text) {
    await removeFile(path);
    await removeFile(envFilePath(dir));
  }
  warn(`removed a stale running.json from ${dir} (${why})`);
  return undefined;
}

function parseInfo(text: string): RunningSandboxInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object") return undefined;
  const v = value as Partial<Record<keyof RunningSandboxInfo, unknown>>;
  // pid 0 or below would address a process group in process.kill, never one process.
  if (typeof v.pid !== "number" || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
  if (typeof v.instanceId !== "string" || typeof v.controlUrl !== "string") return undefined;
  if (typeof v.caPem !== "string" || typeof v.journalPath !== "string") return undefined;
  if (!v.endpoints || typeof v.endpoints !== "object") return undefined;
  if (!Object.values(v.endpoints).every((url) => typeof url === "string")) return undefined;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(v.controlUrl)) return undefined;
  return v as RunningSandboxInfo;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but someone else's; the identity check tells whether it is a sandbox.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** GET <control>/identity, straight to loopback (no proxy), bounded in time; undefined on any failure. */
function askIdentity(controlUrl: string): Promise<SandboxIdentity | undefined> {
  return new Promise((resolve) => {
    const req = get(`${controlUrl}${CONTROL_IDENTITY_PATH}`, { agent: false, timeout: IDENTITY_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // An identity is a few dozen bytes; anything large is not our control listener.
        if (size > 4096) req.destroy(new Error("identity answer too large"));
        else chunks.push(chunk);
      });
      res.on("end", () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Partial<SandboxIdentity>;
          const ok = res.statusCode === 200 && body.sandbox === "oidc-bridge" && typeof body.instanceId === "string";
          resolve(ok ? (body as SandboxIdentity) : undefined);
        } catch {
          resolve(undefined);
        }
      });
      // After "end" when complete (a no-op then); alone when the answer was cut short.
      res.on("close", () => resolve(undefined));
    });
    // The idle timeout alone would let a peer that trickles a byte at a time hold us for hours.
    const deadline = setTimeout(() => req.destroy(new Error("no identity answer in time")), IDENTITY_TIMEOUT_MS);
    req.on("timeout", () => req.destroy(new Error("no identity answer in time")));
    req.on("error", () => resolve(undefined));
    req.on("close", () => clearTimeout(deadline));
  });
}

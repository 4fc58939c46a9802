import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-file.js";

/** What `sandbox start` publishes so commands in other terminals use its sandbox. */
export interface RunningSandboxInfo {
  readonly pid: number;
  readonly endpoints: Record<string, string>;
  readonly caPem: string;
  readonly journalPath: string;
}

const FILE = "running.json";

export async function publishRunning(dir: string, info: RunningSandboxInfo): Promise<void> {
  await writeFileAtomic(join(dir, FILE), JSON.stringify(info));
}

export async function unpublishRunning(dir: string): Promise<void> {
  await rm(join(dir, FILE), { force: true });
}

/** The running sandbox, if its process is still alive; a file left by a killed one is ignored. */
export async function readRunning(dir: string): Promise<RunningSandboxInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(join(dir, FILE), "utf8")) as RunningSandboxInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}

import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AWS_TOOL_JS } from "../../src/sandbox/vm/tools/aws-tool.js";

export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes the VM's `aws` stand-in into `dir` as the image does (lib/aws.mjs); returns its path. */
export async function writeAwsStandIn(dir: string): Promise<string> {
  const file = join(dir, "aws.mjs");
  await writeFile(file, AWS_TOOL_JS, { mode: 0o600 });
  return file;
}

/** Writes `~/.aws/config` under `home` (0700 folder, 0600 file, as configure does). */
export async function writeAwsConfig(home: string, text: string): Promise<void> {
  await mkdir(join(home, ".aws"), { recursive: true, mode: 0o700 });
  await writeFile(join(home, ".aws", "config"), text, { mode: 0o600 });
}

/**
 * Runs the stand-in as the VM would (`node aws.mjs …`), asynchronously so that a fake endpoint in
 * this process can answer, with only the given environment (nothing of the host's AWS_* leaks in).
 */
export function runAwsStandIn(tool: string, args: readonly string[], env: Record<string, string>): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tool, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TZ: "UTC", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

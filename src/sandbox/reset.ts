import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { AttachOptions } from "./handle.js";
import { errnoOf, removeFile } from "./harness/safe-file.js";
import { SandboxError } from "./harness/sandbox-error.js";
import { sandboxDir } from "./paths.js";
import { findRunning } from "./running-file.js";

// Kept: the CA (anything that trusts it keeps working) and the ports (issuer URLs contain them).
const KEPT = new Set(["ports.json"]);

/**
 * Empties the sandbox clouds: every state document, the journal, env.sh and temp files left by a
 * killed run. Refuses while a sandbox runs from the folder (it would write its state back).
 */
export async function resetSandbox(stateDir: string, options: AttachOptions = {}): Promise<{ removed: string[] }> {
  const dir = sandboxDir(stateDir);
  const running = await findRunning(dir, options.warn);
  if (running) {
    throw new SandboxError(
      "SANDBOX_RUNNING",
      `a sandbox is running from ${dir} (\`oidc-bridge sandbox start\`, pid ${running.pid})`,
      "stop it first (Ctrl-C in its terminal)",
    );
  }
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if (errnoOf(err) === "ENOENT") return { removed: [] };
    throw err;
  }
  const removed = entries.filter(
    (e) =>
      !KEPT.has(e) &&
      (e.endsWith(".json") || e === "journal.jsonl" || e === "env.sh" || (e.startsWith(".") && e.endsWith(".tmp"))),
  );
  for (const entry of removed) await removeFile(join(dir, entry));
  return { removed };
}

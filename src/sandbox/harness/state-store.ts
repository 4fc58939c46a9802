import { join } from "node:path";
import { readTextIfExists, writeFileAtomic } from "./safe-file.js";
import { SandboxError } from "./sandbox-error.js";

/**
 * One service's persisted JSON document. Loaded before the first request because
 * `ServiceContext.state()` is synchronous; saves are queued so two handlers saving at once never
 * race on the temp file or let an older snapshot land last.
 */
export interface StateStore {
  readonly path: string;
  get<T extends object>(init: () => T): T;
  save(): Promise<void>;
  /** Writes the document if one is in use, and waits for queued saves. */
  flush(): Promise<void>;
}

export async function openStateStore(dir: string, serviceName: string): Promise<StateStore> {
  const path = join(dir, `${serviceName}.json`);
  let doc: object | undefined = await load(path);
  let tail: Promise<void> = Promise.resolve();

  const save = (): Promise<void> => {
    const next = tail.then(async () => {
      // Serialised at write time, so a queued save writes the newest state.
      if (doc !== undefined) await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
    });
    tail = next.catch(() => undefined);
    return next;
  };

  return {
    path,
    get<T extends object>(init: () => T): T {
      if (doc === undefined) doc = init();
      return doc as T;
    },
    save,
    flush: save,
  };
}

async function load(path: string): Promise<object | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object") throw new Error("not a JSON object");
    return parsed;
  } catch (err) {
    throw new SandboxError(
      "SANDBOX_STATE_CORRUPT",
      `sandbox state file ${path} is not valid JSON (${(err as Error).message})`,
      "run `oidc-bridge sandbox reset` to empty the sandbox clouds (or fix the file by hand)",
      { cause: err },
    );
  }
}

import { rm } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { ResourceRecord } from "../state/schema.js";
import type { StateView } from "../state/store.js";
import { destroyerOf } from "./registry.js";

/** Files of ours whose resource is gone now (its record dropped): a private key, say. */
export function localFilesOf(records: readonly ResourceRecord[], state: StateView): string[] {
  return records.filter((r) => !state.find(r.kind, r.id)).flatMap((r) => destroyerOf(r.kind).localFiles?.(r) ?? []);
}

/**
 * Removes them, but only inside the state folder: a path in a hand-edited state file must never
 * make destroy delete a file elsewhere.
 */
export async function removeLocalFiles(files: readonly string[], stateDir: string): Promise<void> {
  for (const file of files) {
    const path = resolve(stateDir, file);
    const inside = relative(stateDir, path);
    if (!inside || inside.startsWith("..") || isAbsolute(inside)) continue;
    await rm(path, { force: true });
  }
}

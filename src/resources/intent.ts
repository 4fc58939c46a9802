import { describeCause } from "../errors.js";
import { sameId, type NewRecord, type StateStore } from "../state/store.js";

export type Intent = Omit<NewRecord, "status" | "createdByUs">;

/**
 * Records the intent, then creates. If the cloud answered "no" (a 4xx), nothing was created and
 * the intent is taken back; any other failure (a timeout, a dropped connection, a crash) leaves
 * it, so the next run knows a resource it finds under that id is ours.
 */
export async function createWithIntent<T>(store: StateStore, intent: Intent, create: () => Promise<T>): Promise<T> {
  await store.intend(intent);
  try {
    return await create();
  } catch (err) {
    if (definitelyRefused(err)) await store.forget(intent.kind, intent.id);
    throw err;
  }
}

function definitelyRefused(err: unknown): boolean {
  const status = describeCause((err as { cause?: unknown }).cause ?? err).status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Records the result of a create made under an intent: the intent was written under the id we
 * expected, so if the cloud named the resource otherwise, the intent's record goes and the real
 * one takes its place.
 */
export async function recordCreated(store: StateStore, intendedId: string, record: NewRecord): Promise<void> {
  if (!sameId(record.id, intendedId)) await store.forget(record.kind, intendedId);
  await store.put(record);
}

import { cloudError } from "../../errors.js";

/** Runs one SDK call; any failure is wrapped once, here, with what we were doing. */
export async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw cloudError(action, err);
  }
}

/** Like call, but a "not found" answer becomes undefined: absence is data, not failure. */
export async function findable<T>(
  action: string,
  run: () => Promise<T>,
  notFound = "NoSuchEntity",
): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    if (name === notFound || name === `${notFound}Exception`) return undefined;
    throw cloudError(action, err);
  }
}

export const tagList = (tags: Readonly<Record<string, string>>): Array<{ Key: string; Value: string }> =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const tagMap = (
  tags?: Array<{ Key?: string | undefined; Value?: string | undefined }>,
): Record<string, string> => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));

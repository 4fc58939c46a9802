import { cloudError } from "../../errors.js";

/** Runs one ARM call; any failure is wrapped once, here, with what we were doing (and a fix, if known). */
export async function call<T>(
  action: string,
  run: () => Promise<T>,
  hintFor?: (err: { code?: string; message?: string }) => string | undefined,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw cloudError(action, err, hintFor?.(err as { code?: string; message?: string }));
  }
}

/** Like call, but the resource being absent is undefined: absence is data. */
export async function findable<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    const code = (err as { code?: string }).code;
    // Only the resource itself being absent is data; SubscriptionNotFound and the like are errors.
    if (
      status === 404 &&
      (code === undefined || code === "ResourceGroupNotFound" || code === "ResourceNotFound" || code === "NotFound")
    )
      return undefined;
    throw cloudError(action, err);
  }
}

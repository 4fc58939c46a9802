import { isBridgeError, type BridgeError } from "../../src/errors.js";

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected the call to fail");
}

/** Like rejection, but the error must be one of ours. */
export async function bridgeFailure(promise: Promise<unknown>): Promise<BridgeError> {
  const error = await rejection(promise);
  if (!isBridgeError(error)) throw new Error(`expected a BridgeError, got ${String(error)}`);
  return error;
}

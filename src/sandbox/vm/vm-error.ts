/**
 * The VM emulation's own error type: the sandbox imports nothing from the rest of the CLI, so it
 * cannot throw the CLI's errors. `code` is stable; the message names the field, the value and the fix.
 */
export class VmHostError extends Error {
  override readonly name = "VmHostError";
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

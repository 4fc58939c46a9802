import type { Reporter } from "./report/reporter.js";
import type { ConfigFlags } from "./config/load-config.js";

/** What a command may touch of the outside world; tests pass their own. */
export interface IO {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  /**
   * Asks the person at the terminal and returns their answer; absent when stdin is not a
   * terminal, so nothing destructive can hang on, or be answered by, a pipe.
   */
  readonly ask?: (question: string) => Promise<string>;
  /** The terminal, for `oidc-bridge ssh`'s interactive shell; absent where there is none (tests). */
  readonly terminal?: {
    readonly stdin: NodeJS.ReadStream;
    readonly stdout: NodeJS.WriteStream;
  };
}

export type { GlobalOptions } from "./global-options.js";
import type { GlobalOptions } from "./global-options.js";

export interface CommandContext {
  readonly globals: GlobalOptions;
  readonly reporter: Reporter;
  readonly io: IO;
  /** The command line as typed, for the lock file and the journal. */
  readonly commandLine: string;
  /** Ends the run with this exit code and no error message (`ssh -- CMD` passes the command's on). */
  readonly exitWith: (code: number) => void;
}

export function configFlags(globals: GlobalOptions): ConfigFlags {
  return {
    awsProfile: globals.awsProfile,
    awsRegion: globals.awsRegion,
    subscription: globals.subscription,
    tenant: globals.tenant,
  };
}

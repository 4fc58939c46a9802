/**
 * Everything oidc-bridge does on the VM goes through this port: `configure` and `verify` never see
 * SSH, so they run the same against a real VM, a sandbox VM, or a test's fake.
 */
export interface CommandResult {
  /** The exit status; null when the command was ended by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Given to the command on standard input (how secrets and file contents travel: never argv). */
  readonly stdin?: string;
  /** Ends the command (and fails with a timeout error naming it) after this long. */
  readonly timeoutMs?: number;
}

export interface HostPort {
  /** Where this port leads, for messages: `adminuser@203.0.113.4`. */
  readonly target: string;
  /** Runs `command` with the remote user's `/bin/sh`; a non-zero exit is a result, not an error. */
  run(command: string, options?: RunOptions): Promise<CommandResult>;
  /** The file's text, or undefined when it does not exist. `~/` is the remote user's home. */
  readFile(path: string): Promise<string | undefined>;
  /**
   * Replaces the file atomically (a temporary file in the same folder, then rename) with this
   * mode, creating missing folders (0700). The content travels on standard input.
   */
  writeFile(path: string, content: string, mode: number): Promise<void>;
  close(): Promise<void>;
}

/** How to reach the VM: what the vm layer records. */
export interface VmLogin {
  readonly vmName: string;
  readonly user: string;
  /** The VM's public IP. */
  readonly address: string;
  /** The private key file in the state folder. */
  readonly keyPath: string;
  /** The host key pinned on first contact (SHA256:…); a different one is refused. */
  readonly hostKeyFingerprint: string;
}

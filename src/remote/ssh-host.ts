import type { ClientChannel } from "ssh2";
import type { NodeSSH } from "node-ssh";
import { BridgeError, userError } from "../errors.js";
import type { CommandResult, HostPort, RunOptions } from "./host-port.js";
import { fingerprintOf, hostKeyChanged } from "./host-key.js";
import { fileOps } from "./file-commands.js";

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** OpenSSH private key text (a secret: it never leaves this process). */
  readonly privateKey: string;
  /** The pinned host key fingerprint; undefined on first contact (then the presented key is pinned). */
  readonly hostKeyFingerprint?: string | undefined;
  /** For messages: `adminuser@203.0.113.4`. */
  readonly label: string;
  /** How long the TCP connect and SSH handshake may take. */
  readonly connectTimeoutMs?: number;
}

/** What a command's output streams to while it runs (for `oidc-bridge ssh -- CMD`). */
export interface StreamOptions extends RunOptions {
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderr?: (chunk: Buffer) => void;
}

export interface SshHost extends HostPort {
  /** The fingerprint of the key the host presented (equal to the pin when one was given). */
  readonly hostKeyFingerprint: string;
  run(command: string, options?: StreamOptions): Promise<CommandResult>;
  /** The underlying client, for an interactive shell. */
  readonly client: NodeSSH;
}

/** Why a connection failed, so a wait can tell "not up yet" from "refused for good". */
export class SshConnectError extends Error {
  constructor(
    message: string,
    readonly reason: "unreachable" | "auth" | "host-key",
    readonly presented?: string,
  ) {
    super(message);
  }
}

/**
 * Connects over SSH with the recorded key, verifying the host key against the pin (or learning
 * it on first contact), and gives the host port every VM command goes through.
 */
export async function connectSsh(target: SshTarget): Promise<SshHost> {
  const { NodeSSH } = await import("node-ssh");
  const client = new NodeSSH();
  let presented: string | undefined;
  try {
    await client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: target.connectTimeoutMs ?? 20_000,
      // Only the key: never a password or keyboard prompt (and no agent: none is passed).
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        presented = fingerprintOf(key);
        return target.hostKeyFingerprint === undefined || presented === target.hostKeyFingerprint;
      },
    });
  } catch (err) {
    client.dispose();
    throw classify(err, target, presented);
  }
  if (presented === undefined) {
    client.dispose();
    throw new SshConnectError(`${target.label} presented no host key`, "host-key");
  }
  return sshHost(client, target.label, presented);
}

function classify(err: unknown, target: SshTarget, presented: string | undefined): SshConnectError {
  const message = err instanceof Error ? err.message : String(err);
  if (presented !== undefined && target.hostKeyFingerprint !== undefined && presented !== target.hostKeyFingerprint)
    return new SshConnectError(message, "host-key", presented);
  if (/authentication methods failed/i.test(message)) return new SshConnectError(message, "auth");
  return new SshConnectError(message, "unreachable");
}

/** A connection error as the user sees it: the host key one with its fix, the others with theirs. */
export function sshFailure(err: SshConnectError, target: SshTarget): BridgeError {
  if (err.reason === "host-key" && err.presented && target.hostKeyFingerprint)
    return hostKeyChanged(target.label, target.hostKeyFingerprint, err.presented);
  if (err.reason === "auth")
    return userError(
      "SSH_FAILED",
      `${target.label} refused the recorded SSH key: ${err.message}`,
      "the VM's authorised key is not the key in the state folder; if the VM was made with another key, add this one's public key to ~/.ssh/authorized_keys on the VM",
    );
  return new BridgeError(`cannot reach ${target.label} over SSH: ${err.message}`, {
    code: "SSH_FAILED",
    hint: "check that the VM runs and that this machine's address is in adminCidrs (the NSG lets only those reach port 22)",
  });
}

function sshHost(client: NodeSSH, target: string, fingerprint: string): SshHost {
  const run = async (command: string, options: StreamOptions = {}): Promise<CommandResult> => {
    let channel: ClientChannel | undefined;
    const exec = client.execCommand(command, {
      noTrim: true,
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      onChannel: (c) => (channel = c),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    });
    const result =
      options.timeoutMs === undefined
        ? await exec
        : await withTimeout(exec, options.timeoutMs, () => {
            channel?.close();
            return new BridgeError(
              `\`${firstLine(command)}\` on ${target} did not finish within ${seconds(options.timeoutMs ?? 0)}`,
              {
                code: "VM_WAIT_TIMEOUT",
                hint: "run it by hand with `oidc-bridge ssh -- CMD` to see where it hangs",
              },
            );
          });
    return { code: result.code, stdout: result.stdout, stderr: result.stderr };
  };
  return {
    target,
    client,
    hostKeyFingerprint: fingerprint,
    run,
    ...fileOps(target, run),
    close() {
      client.dispose();
      return Promise.resolve();
    },
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(command: string): string {
  const line = command.split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

export function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

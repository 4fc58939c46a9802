import { spawn } from "node:child_process";
import { fileOps } from "../../src/remote/file-commands.js";
import type { CommandResult, HostPort, RunOptions } from "../../src/remote/host-port.js";

/**
 * A HostPort whose "VM" is a local /bin/sh with HOME set to a test folder: the same shell commands
 * as over SSH (file reads and writes included), without a server. PATH may put stand-in tools first.
 */
export function localHost(home: string, env: Record<string, string> = {}): HostPort {
  const target = `local ${home}`;
  const run = (command: string, options?: RunOptions): Promise<CommandResult> =>
    new Promise((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", command], {
        cwd: home,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", USER: "adminuser", ...env, HOME: home },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      // A command that never reads its input closes the pipe early: not an error.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options?.stdin ?? "");
    });
  return { target, run, close: () => Promise.resolve(), ...fileOps(target, run) };
}

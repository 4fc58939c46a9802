import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { constants } from "node:os";
import type { PseudoTtyInfo, ServerChannel, Session } from "ssh2";
import { createLineDiscipline } from "./pty-discipline.js";

export interface SessionContext {
  readonly home: string;
  readonly vmName: string;
  readonly adminUser: string;
  /** The environment every command starts from (HOME, USER, PATH… and the sandbox's endpoints). */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** Lets the VM host end this process when it closes; false when the host is closing already. */
  track(child: ChildProcess): boolean;
}

// What Debian's sshd_config lets a client set (AcceptEnv); other env requests are refused.
const ACCEPTED_ENV = /^(LANG|LC_[A-Z_]+|COLORTERM|NO_COLOR)$/;

/**
 * One SSH session channel: exec runs `/bin/sh -c <command>`, shell runs `/bin/sh` (`-i` with a
 * pty), in the admin's home with the VM's environment. There is no real pty: with a pty request the session
 * gets a line discipline instead (echo, line editing, ^C, CR LF), and TERM is set.
 */
export function serveSession(session: Session, ctx: SessionContext): void {
  const env: Record<string, string> = {};
  let pty: PseudoTtyInfo | undefined;
  let started = false;

  session.on("env", (accept, reject, info) => {
    if (ACCEPTED_ENV.test(info.key)) {
      env[info.key] = info.val;
      accept?.();
    } else reject?.();
  });
  session.on("pty", (accept, _reject, info) => {
    pty = info;
    accept?.();
  });
  session.on("window-change", (accept) => accept?.());
  for (const refused of ["x11", "auth-agent", "sftp", "subsystem"]) {
    session.on(refused, (_accept: unknown, reject?: () => void) => reject?.());
  }

  const start = (channel: ServerChannel, args: string[]): void => {
    started = true;
    // The admin may have removed their home; sshd would fall back to "/", which on the host is not
    // the VM's. Recreating the home keeps every command inside the VM folder.
    mkdirSync(ctx.home, { recursive: true, mode: 0o700 });
    const child = spawn("/bin/sh", args, {
      cwd: ctx.home,
      env: {
        ...ctx.baseEnv,
        ...env,
        ...(pty ? { TERM: pty.term || "xterm", PS1: `${ctx.adminUser}@${ctx.vmName}:~$ ` } : {}),
      },
      // Its own process group, so that a signal or the VM's shutdown reaches everything it started.
      detached: true,
      stdio: "pipe",
    });
    if (!ctx.track(child)) {
      child.kill("SIGKILL");
      channel.close();
      return;
    }
    attach(channel, child, pty !== undefined);
    session.on("signal", (accept, _reject, info) => {
      const name = `SIG${info.name.replace(/^SIG/, "")}`;
      if (name in constants.signals) killGroup(child, name as NodeJS.Signals);
      accept?.();
    });
  };

  session.on("exec", (accept, reject, info) => {
    if (started) return reject();
    start(accept(), ["-c", info.command]);
  });
  session.on("shell", (accept, reject) => {
    if (started) return reject();
    // Without a terminal a shell reads commands from stdin, prompting nobody (as sshd's would).
    start(accept(), pty ? ["-i"] : []);
  });
}

/** Sends `signal` to the process group a session's shell leads. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function attach(channel: ServerChannel, child: ChildProcess, withPty: boolean): void {
  const stdin = child.stdin;
  const stdout = child.stdout;
  const stderr = child.stderr;
  if (!stdin || !stdout || !stderr) throw new Error("a VM command was spawned without pipes");
  let channelOpen = true;
  // Output the channel has not sent yet (the client's window may be full): the exit status must
  // follow the last byte, as with sshd.
  let pending = 0;
  let whenSent: (() => void) | undefined;
  const send = (to: NodeJS.WritableStream, chunk: Buffer | string): void => {
    if (!channelOpen) return;
    pending++;
    to.write(chunk, () => {
      pending--;
      if (pending === 0) whenSent?.();
    });
  };
  // A program that exits without reading all its input makes writes fail with EPIPE: not an error
  // of the session.
  stdin.on("error", () => undefined);

  if (withPty) {
    const discipline = createLineDiscipline({
      toProgram: (text) => stdin.write(text),
      endOfInput: () => stdin.end(),
      echo: (text) => send(channel, text),
      signal: (name) => killGroup(child, name),
    });
    channel.on("data", (chunk: Buffer) => discipline.input(chunk));
    // A terminal has one output stream: stderr arrives on it too, as with a real pty.
    stdout.on("data", (chunk: Buffer) => send(channel, discipline.output(chunk)));
    stderr.on("data", (chunk: Buffer) => send(channel, discipline.output(chunk)));
  } else {
    channel.pipe(stdin);
    stdout.on("data", (chunk: Buffer) => send(channel, chunk));
    stderr.on("data", (chunk: Buffer) => send(channel.stderr, chunk));
  }
  channel.on("end", () => stdin.end());
  channel.on("error", () => undefined);
  channel.on("close", () => {
    channelOpen = false;
    whenSent?.();
    // The client went away: sshd hangs up on the session's processes.
    killGroup(child, "SIGHUP");
  });

  const finish = (report: () => void): void => {
    const done = (): void => {
      whenSent = undefined;
      if (!channelOpen) return;
      report();
      channel.end();
    };
    if (pending === 0) done();
    else whenSent = done;
  };
  child.on("error", (err) => {
    send(channel.stderr, `sh: ${err.message}\n`);
    finish(() => channel.exit(127));
  });
  child.on("close", (code, signal) => {
    finish(() => {
      if (signal === null) return channel.exit(code ?? 0);
      try {
        channel.exit(signal, false, "");
      } catch {
        // A signal SSH has no name for: report it as a shell would.
        channel.exit(128 + (constants.signals[signal] ?? 0));
      }
    });
  });
}

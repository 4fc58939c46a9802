import type { SshHost } from "./ssh-host.js";

/**
 * A shell on the host wired to this terminal (raw mode, a pty of the terminal's size, resizes
 * passed on); resolves with the shell's exit status.
 */
export async function interactiveShell(
  host: SshHost,
  terminal: { readonly stdin: NodeJS.ReadStream; readonly stdout: NodeJS.WriteStream },
): Promise<number> {
  const { stdin, stdout } = terminal;
  const tty = stdin.isTTY;
  const channel = await host.client.requestShell(
    tty ? { term: process.env.TERM ?? "xterm-256color", rows: stdout.rows, cols: stdout.columns } : false,
  );
  const resize = () => channel.setWindow(stdout.rows, stdout.columns, 0, 0);
  if (tty) {
    stdin.setRawMode(true);
    stdout.on("resize", resize);
  }
  stdin.pipe(channel);
  channel.pipe(stdout, { end: false });
  channel.stderr.pipe(process.stderr, { end: false });
  try {
    return await new Promise<number>((done) => {
      let code = 255;
      channel.on("exit", (status: number | null) => (code = status ?? 255));
      channel.on("close", () => done(code));
    });
  } finally {
    stdin.unpipe(channel);
    stdin.pause();
    if (tty) {
      stdin.setRawMode(false);
      stdout.off("resize", resize);
    }
  }
}

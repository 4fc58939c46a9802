import type { CommandResult, HostPort, RunOptions } from "./host-port.js";
import { shQuote } from "./shell-quote.js";

/** A path for /bin/sh: `~/x` becomes "$HOME"/'x' (the remote home), anything else is quoted. */
export function remotePath(path: string): string {
  return path.startsWith("~/") ? `"$HOME"/${shQuote(path.slice(2))}` : shQuote(path);
}

const NOT_FOUND = 3;

/**
 * A HostPort from one way of running a command: reading and writing files are shell commands, so
 * every transport (SSH, a sandbox VM, a test's local shell) behaves the same. Content travels on
 * standard input, never on a command line.
 */
export function hostPortOver(
  target: string,
  run: (command: string, options?: RunOptions) => Promise<CommandResult>,
  close: () => Promise<void> = () => Promise.resolve(),
): HostPort {
  return {
    target,
    run,
    close,
    async readFile(path) {
      const p = remotePath(path);
      const result = await run(`if [ -f ${p} ]; then cat ${p}; else exit ${NOT_FOUND}; fi`);
      if (result.code === NOT_FOUND) return undefined;
      if (result.code !== 0) throw new Error(`cannot read ${path} on ${target}: ${result.stderr.trim()}`);
      return result.stdout;
    },
    async writeFile(path, content, mode) {
      const p = remotePath(path);
      // The temporary file is made 0600 by the umask before a byte is written, then renamed over.
      const script = `umask 077; f=${p}; d=$(dirname "$f"); mkdir -p "$d" && t="$d/.oidc-bridge-$$.tmp" && cat > "$t" && chmod ${mode.toString(8)} "$t" && mv -f "$t" "$f" || { rm -f "$t"; exit 1; }`;
      const result = await run(script, { stdin: content });
      if (result.code !== 0) throw new Error(`cannot write ${path} on ${target}: ${result.stderr.trim()}`);
    },
  };
}

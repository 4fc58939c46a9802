import { BridgeError } from "../errors.js";
import type { CommandResult, HostPort, RunOptions } from "./host-port.js";
import { shPath } from "./shell-quote.js";

type Run = (command: string, options?: RunOptions) => Promise<CommandResult>;

const NOT_FOUND = 44;

/**
 * Reading and writing files as shell commands over any way of running one, so every transport
 * (SSH, a test's local shell) behaves the same. Content travels on standard input, never on a
 * command line.
 */
export function fileOps(target: string, run: Run): Pick<HostPort, "readFile" | "writeFile"> {
  const failed = (what: string, path: string, r: CommandResult) =>
    new BridgeError(`${what} ${path} on ${target} failed (exit ${String(r.code)}): ${r.stderr.trim()}`, {
      code: "SSH_FAILED",
      hint: "check the path and its permissions on the VM",
    });
  return {
    async readFile(path) {
      const r = await run(`p=${shPath(path)}; if [ -e "$p" ]; then exec cat -- "$p"; else exit ${NOT_FOUND}; fi`);
      if (r.code === NOT_FOUND) return undefined;
      if (r.code !== 0) throw failed("reading", path, r);
      return r.stdout;
    },
    async writeFile(path, content, mode) {
      // umask 077: folders made on the way are 0700; the temp file is private until renamed.
      const script = [
        "set -e",
        "umask 077",
        `p=${shPath(path)}`,
        'd=$(dirname -- "$p")',
        'mkdir -p -- "$d"',
        't=$(mktemp "$d/.oidc-bridge.XXXXXX")',
        `trap 'rm -f -- "$t"' EXIT`,
        'cat > "$t"',
        `chmod ${(mode & 0o7777).toString(8).padStart(4, "0")} "$t"`,
        'mv -f -- "$t" "$p"',
        "trap - EXIT",
      ].join("\n");
      const r = await run(script, { stdin: content });
      if (r.code !== 0) throw failed("writing", path, r);
    },
  };
}

import { CommanderError, type Command } from "commander";
import { buildProgram } from "./cli.js";
import { BridgeError, EXIT, isBridgeError } from "./errors.js";
import type { CommandContext, IO } from "./context.js";
import { HumanReporter } from "./report/human-reporter.js";
import { JsonReporter } from "./report/json-reporter.js";
import { redactText } from "./report/redact.js";
import type { Reporter } from "./report/reporter.js";
import { fileSystemError } from "./util/fs-errors.js";

export const VERSION = "0.1.0";

function processIO(): IO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    terminal: { stdin: process.stdin, stdout: process.stdout },
    ...(process.stdin.isTTY ? { ask } : {}),
  };
}

/** One question on the terminal; the prompt goes to stderr so stdout stays the command's output. */
async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/**
 * The entry point and the only place that catches: every failure becomes one clear message and an
 * exit code (0 ok, 1 failure, 2 usage or config error).
 */
export async function main(argv: readonly string[], io: IO = processIO()): Promise<number> {
  let exitCode: number;
  let requested: number | undefined;
  let debug = argv.includes("--debug");
  // Until the flags are parsed, --json alone decides the form: a bad flag value under --json is a
  // JSON error event too.
  let reporter: Reporter = argv.includes("--json")
    ? new JsonReporter(io.stdout, debug)
    : new HumanReporter({ write: io.stdout, writeError: io.stderr, isTTY: false, color: false }, debug);

  const program = buildProgram(async (cmd, action) => {
    const { globalOptionsSchema } = await import("./global-options.js");
    const parsed = globalOptionsSchema.safeParse(cmd.optsWithGlobals());
    if (!parsed.success) {
      throw new BridgeError("invalid command-line options:", {
        code: "USAGE",
        fault: "user",
        details: parsed.error.issues.map((i) => i.message),
        hint: "see `oidc-bridge --help`",
      });
    }
    const globals = parsed.data;
    debug = globals.debug;
    reporter = globals.json
      ? new JsonReporter(io.stdout, globals.debug)
      : new HumanReporter(
          {
            write: io.stdout,
            writeError: io.stderr,
            isTTY: io.isTTY,
            color: globals.color && io.isTTY && !io.env.NO_COLOR,
          },
          globals.debug,
        );
    const ctx: CommandContext = {
      globals,
      reporter,
      io,
      commandLine: commandLineOf(cmd),
      exitWith: (code) => void (requested = code),
    };
    await action(ctx);
  }, VERSION);

  program.exitOverride();
  // Under --json a usage mistake is an error event too, so one stream tells a script everything.
  const json = argv.includes("--json");
  program.configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: json
      ? (text) =>
          void (
            text.trim() &&
            io.stdout(
              `${JSON.stringify({ type: "error", code: "USAGE", fault: "user", message: redactText(text.replace(/^error: /, "").trim()), hint: "see `oidc-bridge --help`" })}\n`,
            )
          )
      : (text) => io.stderr(redactText(text)),
  });
  exitOverrideAll(program, json);

  try {
    await program.parseAsync([...argv], { from: "node" });
    exitCode = requested ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; a usage mistake (already printed by commander) with 2.
      exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      // A file-system error no layer wrapped (a full disk, a read-only folder) still names its path.
      const error = isBridgeError(err)
        ? err
        : (fileSystemError(err) ??
          new BridgeError(`unexpected internal error: ${err instanceof Error ? err.message : String(err)}`, {
            code: "INTERNAL",
            fault: "internal",
            cause: err,
            hint: "this is a bug in oidc-bridge; run again with --debug and report the output",
          }));
      reporter.error(error, debug);
      exitCode = error.exitCode;
    }
  }
  return exitCode;
}

function exitOverrideAll(command: Command, json: boolean): void {
  if (json) command.showHelpAfterError(false);
  for (const sub of command.commands) {
    sub.exitOverride();
    sub.configureOutput(command.configureOutput());
    exitOverrideAll(sub, json);
  }
}

function commandLineOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

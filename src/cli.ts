import { Command, Option } from "commander";
import type { CommandContext } from "./context.js";

/**
 * Commander wiring only. Each action imports its command module when it runs, so `--help` and
 * `status` never load a cloud SDK.
 */
export type Runner = (commandLine: Command, action: (ctx: CommandContext) => Promise<void>) => Promise<void>;

export function buildProgram(run: Runner, version: string): Command {
  const program = new Command("oidc-bridge")
    .description("Let an Azure VM call AWS with no long-lived secret: OIDC trust from Entra ID to AWS IAM, end to end.")
    .version(version)
    .option("-c, --config <file>", "config file (default: oidc-bridge.json in the working folder)")
    .option("--state-dir <dir>", "folder of the state file, SSH key and sandbox", ".oidc-bridge")
    .option("--sandbox", "run against the embedded sandbox clouds: no account or config file needed")
    .option("--json", "print one JSON event per line instead of text")
    .option("-y, --yes", "do not ask before destructive changes")
    .option("--debug", "show debug detail and stack traces (secrets stay redacted)")
    .option("--no-color", "plain text without colours")
    .addOption(new Option("--aws-profile <name>", "AWS named profile (overrides AWS_PROFILE and the config)"))
    .addOption(new Option("--aws-region <region>", "AWS region (overrides AWS_REGION and the config)"))
    .addOption(
      new Option("--subscription <id>", "Azure subscription id (overrides AZURE_SUBSCRIPTION_ID and the config)"),
    )
    .addOption(new Option("--tenant <id>", "Entra tenant id (overrides AZURE_TENANT_ID and the config)"))
    .showHelpAfterError()
    .configureHelp({ showGlobalOptions: true });

  program
    .command("status")
    .description("show what the state file records, layer by layer (no cloud calls unless --refresh)")
    .option(
      "--refresh",
      "read every recorded resource from the clouds and show the missing and drifted ones (reads only)",
    )
    .action((opts: { refresh?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) =>
        opts.refresh
          ? (await import("./commands/status-refresh.js")).statusRefresh(ctx)
          : (await import("./commands/status.js")).status(ctx),
      ),
    );

  const vmOptions = (command: Command): Command =>
    command
      .option("--dry-run", "print the plan and change nothing")
      .option("--allow-any-source", "allow adminCidrs wider than /8 (up to 0.0.0.0/0): SSH open to the internet")
      .addOption(
        new Option("--key-type <type>", "type of a new admin SSH key (default: the config's, ed25519)").choices([
          "ed25519",
          "rsa",
        ]),
      );
  type VmFlags = { dryRun?: boolean; allowAnySource?: boolean; keyType?: string };
  const vmOptionsOf = (opts: VmFlags) => ({
    dryRun: opts.dryRun === true,
    allowAnySource: opts.allowAnySource === true,
    keyType: opts.keyType,
  });

  vmOptions(program.command("up").description("build every layer as one graph: trust, identity, vm, configure")).action(
    (opts: VmFlags, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/up.js")).up(ctx, vmOptionsOf(opts))),
  );

  program
    .command("trust")
    .description("make sure AWS IAM trusts the Entra tenant's OpenID Connect issuer")
    .option("--dry-run", "print the plan and change nothing")
    .action((opts: { dryRun?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/trust.js")).trust(ctx, { dryRun: opts.dryRun === true })),
    );

  program
    .command("identity")
    .description("make sure the VM's managed identity exists and an IAM role trusts only it")
    .option("--dry-run", "print the plan and change nothing")
    .action((opts: { dryRun?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/identity.js")).identity(ctx, { dryRun: opts.dryRun === true })),
    );

  vmOptions(
    program
      .command("vm")
      .description("make sure the VM exists with the identity, reachable over SSH only from the admin addresses"),
  ).action((opts: VmFlags, cmd: Command) =>
    run(cmd, async (ctx) => (await import("./commands/vm.js")).vm(ctx, vmOptionsOf(opts))),
  );

  program
    .command("ssh")
    .description("a shell on the VM with the recorded key and pinned host key; `ssh -- CMD` runs one command")
    .argument("[command...]", "the command to run (after --), with its arguments")
    .action((command: string[], _opts, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/ssh.js")).ssh(ctx, { command })),
    );

  program
    .command("configure")
    .description("set up the token on the VM: refresher, hourly timer, a fresh token, the AWS profile")
    .option("--dry-run", "print the plan and change nothing")
    .option("--role-arn-from-ssm", "take the role ARN from the SSM parameter instead of the state file")
    .action((opts: { dryRun?: boolean; roleArnFromSsm?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) =>
        (await import("./commands/configure.js")).configure(ctx, {
          dryRun: opts.dryRun === true,
          roleArnFromSsm: opts.roleArnFromSsm === true,
        }),
      ),
    );

  program
    .command("destroy")
    .description("delete what this deployment created and take back what it changed on resources it adopted")
    .option("--dry-run", "print what would be deleted, what would be left and why; change nothing")
    .option("--force", "delete the OIDC provider even while other roles' trust policies name it")
    .action((opts: { dryRun?: boolean; force?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) =>
        (await import("./commands/destroy.js")).destroy(ctx, {
          dryRun: opts.dryRun === true,
          force: opts.force === true,
        }),
      ),
    );

  program
    .command("verify")
    .description("check the whole bridge, from here and on the VM; exit 0 only if every check passes (no changes)")
    .action((_opts, cmd: Command) => run(cmd, async (ctx) => (await import("./commands/verify.js")).verify(ctx)));

  program
    .command("outputs")
    .description("print the SSH command, role ARN and VM addresses from the state file (no cloud calls)")
    .addOption(
      new Option("--format <format>", "text, or an Ansible inventory like the write-up's")
        .choices(["text", "ansible"])
        .default("text"),
    )
    .action((opts: { format: "text" | "ansible" }, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/outputs.js")).outputs(ctx, { format: opts.format })),
    );

  const config = program.command("config").description("check the config or print its schema");
  config
    .command("check")
    .description("validate the config and list every problem at once")
    .action((_opts, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/config-check.js")).configCheck(ctx)),
    );
  config
    .command("schema")
    .description("print the config's JSON Schema (for editor completion)")
    .action((_opts, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/config-schema.js")).configSchemaCommand(ctx)),
    );

  const sandbox = program.command("sandbox").description("the embedded sandbox clouds");
  sandbox
    .command("start")
    .description("run the sandbox in the foreground and print its endpoints, for other tools")
    .action((_opts, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/sandbox-start.js")).sandboxStart(ctx)),
    );
  sandbox
    .command("reset")
    .description("empty the sandbox clouds (and the sandbox deployment's state)")
    .action((_opts, cmd: Command) =>
      run(cmd, async (ctx) => (await import("./commands/sandbox-reset.js")).sandboxReset(ctx)),
    );

  return program;
}

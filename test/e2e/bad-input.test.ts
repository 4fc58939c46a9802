import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The built CLI against malformed configs, flags, paths and variables. Every case must fail with
// its documented exit code and a message naming what is wrong and the fix, with no stack trace, no
// state folder created, no mode changed and no cloud called. Each case runs the built bundle's
// main (what bin/oidc-bridge.cjs runs) in this process, to stay fast; a sample of them also runs as
// its own process through bin/oidc-bridge.cjs, exit status and all.
const bin = fileURLToPath(new URL("../../bin/oidc-bridge.cjs", import.meta.url));
const bundle = new URL("../../dist/main.cjs", import.meta.url).href;
type Main = (
  argv: readonly string[],
  io: {
    cwd: string;
    env: Record<string, string | undefined>;
    stdout: (t: string) => void;
    stderr: (t: string) => void;
    isTTY: boolean;
  },
) => Promise<number>;

type Fixture =
  | { readonly file: string; readonly text: string; readonly mode?: number }
  | { readonly fifo: string }
  | { readonly dir: string; readonly mode?: number }
  | { readonly link: string; readonly to: string };

interface Case {
  readonly name: string;
  /** "{cwd}" is replaced by the case's own working folder. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly fixtures?: readonly Fixture[];
  readonly exit: 1 | 2;
  /** What the message must name: the field, flag, variable or path. */
  readonly names: RegExp;
}

const check = (...args: string[]) => ["config", "check", ...args];
const config = (value: unknown, ...more: Fixture[]): Fixture[] => [
  { file: "c.json", text: typeof value === "string" ? value : JSON.stringify(value) },
  ...more,
];
const badConfig = (name: string, value: unknown, names: RegExp, sandbox = false): Case => ({
  name,
  args: [...(sandbox ? ["--sandbox"] : []), ...check("-c", "c.json")],
  fixtures: config(value),
  exit: 2,
  names,
});
const badEnv = (name: string, env: Record<string, string>, names: RegExp, args = check()): Case => ({
  name,
  args,
  env,
  exit: 2,
  names,
});
const STATE = ".state";
const ownState = (...more: Fixture[]): Fixture[] => [{ dir: STATE, mode: 0o700 }, ...more];
const badStateDir = (
  name: string,
  dir: string,
  names: RegExp,
  fixtures: Fixture[] = [],
  { sandbox = true, exit = 2 }: { sandbox?: boolean; exit?: 1 | 2 } = {},
): Case => ({
  name,
  args: [...(sandbox ? ["--sandbox"] : []), "--state-dir", dir, "trust"],
  fixtures,
  exit,
  names,
});
// The state needs attention (a link, a corrupt file): exit 1, as the error code list says.
const attention = { exit: 1 } as const;
const guid = "11111111-2222-3333-4444-555555555555";

const cases: Case[] = [
  // Config files that are not what they should be.
  badConfig("a config that is not JSON", "{ not json", /c\.json is not valid JSON: .*line 1, column 3/),
  badConfig("a key given twice", '{"aws":{"region":"eu-west-1","region":"us-east-1"}}', /"aws\.region" is given twice/),
  badConfig("__proto__ in the config", '{"__proto__":{"oidc":{"audience":"x"}}}', /__proto__: unknown key/),
  badConfig("__proto__ under --sandbox", '{"__proto__":{"oidc":{"audience":"x"}}}', /__proto__: unknown key/, true),
  badConfig("a config nested 200,000 levels", `{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`, /deeper than 32/),
  badConfig("an array instead of an object", "[]", /c\.json must hold a JSON object, got an array/),
  badConfig("null instead of an object", "null", /c\.json must hold a JSON object, got null/),
  badConfig("an unknown top-level key", { colour: "blue" }, /colour: unknown key/),
  badConfig("a misspelt key", { azure: { locaton: "westeurope" } }, /azure\.locaton: unknown key .*"location"/),
  badConfig("a section of the wrong type", { aws: [] }, /aws: expected object/),
  badConfig("a section of the wrong type under --sandbox", { aws: [] }, /aws: expected object/, true),
  badConfig("a bad subscription under --sandbox", { azure: { subscriptionId: "x" } }, /azure\.subscriptionId/, true),
  badConfig("an unknown cloud under --sandbox", { azure: { cloud: "Mars" } }, /azure\.cloud: must be/, true),
  badConfig(
    "a custom cloud over http",
    { azure: { cloud: { resourceManager: "http://a", authorityHost: "https://b" } } },
    /azure\.cloud\.resourceManager: must be an https URL/,
  ),
  badConfig("a location with a space", { azure: { location: "West Europe" } }, /azure\.location/),
  badConfig("a resource group with a slash", { azure: { resourceGroup: "a/b" } }, /azure\.resourceGroup/),
  badConfig(
    "a resource group ending in a period",
    { azure: { resourceGroup: "rg." } },
    /azure\.resourceGroup: must not end with a period/,
  ),
  badConfig("an identity name too short", { azure: { identityName: "x" } }, /azure\.identityName/),
  badConfig(
    "a VM name of digits only",
    { azure: { vm: { name: "1234" } } },
    /azure\.vm\.name: must not be only digits/,
  ),
  badConfig(
    "a reserved admin user",
    { azure: { vm: { adminUsername: "admin" } } },
    /azure\.vm\.adminUsername: is reserved/,
  ),
  badConfig("a VM size with a space", { azure: { vm: { size: "Standard B2" } } }, /azure\.vm\.size/),
  badConfig(
    "an image version that is not one",
    { azure: { vm: { image: { version: "newest" } } } },
    /azure\.vm\.image\.version/,
  ),
  badConfig(
    "a public address space",
    { azure: { network: { addressSpace: "100.0.0.0/16", subnetPrefix: "100.0.2.0/24" } } },
    /azure\.network\.addressSpace: .*not private/,
  ),
  badConfig(
    "a subnet outside the VNet",
    { azure: { network: { subnetPrefix: "10.43.0.0/24" } } },
    /azure\.network\.subnetPrefix: .*not inside/,
  ),
  badConfig(
    "a subnet smaller than /29",
    { azure: { network: { subnetPrefix: "10.42.2.0/30" } } },
    /azure\.network\.subnetPrefix: .*\/29/,
  ),
  badConfig("a one-character VNet name", { azure: { network: { vnetName: "v" } } }, /azure\.network\.vnetName/),
  badConfig("SSH open to the internet", { adminCidrs: ["0.0.0.0/0"] }, /adminCidrs: .*whole internet/),
  badConfig("a CIDR with leading zeros", { adminCidrs: ["010.0.0.0/8"] }, /adminCidrs\.0: must not have leading zeros/),
  badConfig("a CIDR with host bits", { adminCidrs: ["10.1.2.3/16"] }, /adminCidrs\.0: has host bits set/),
  badConfig("an empty CIDR list", { adminCidrs: [] }, /adminCidrs: list at least one CIDR/),
  badConfig("a region that is not one", { aws: { region: "Frankfurt" } }, /aws\.region/),
  badConfig("a role name with a space", { aws: { roleName: "bad role" } }, /aws\.roleName: .*IAM role name rules/),
  badConfig("a role name over 64 characters", { aws: { roleName: "r".repeat(65) } }, /aws\.roleName/),
  badConfig(
    "a policy ARN with ..",
    { aws: { managedPolicies: ["arn:aws:iam::aws:policy/../X"] } },
    /aws\.managedPolicies\.0: .*"\.\."/,
  ),
  badConfig(
    "a policy ARN of an unknown partition",
    { aws: { managedPolicies: ["arn:aws-xx:iam::aws:policy/X"] } },
    /aws\.managedPolicies\.0: has an unknown partition/,
  ),
  badConfig(
    "21 managed policies",
    { aws: { managedPolicies: Array.from({ length: 21 }, (_, i) => `P${i}`) } },
    /aws\.managedPolicies: IAM allows at most 20/,
  ),
  badConfig(
    "an SSM name 16 levels deep",
    { aws: { ssmParameterName: `/${"l/".repeat(15)}l` } },
    /aws\.ssmParameterName: must have at most 15 levels/,
  ),
  badConfig(
    "an SSM name under /aws",
    { aws: { ssmParameterName: "/aws/x" } },
    /aws\.ssmParameterName: must not start with aws/,
  ),
  badConfig("an SSM path without a leading slash", { aws: { ssmParameterName: "a/b" } }, /aws\.ssmParameterName/),
  badConfig("a session duration as text", { aws: { maxSessionDuration: "1h" } }, /aws\.maxSessionDuration/),
  badConfig(
    "a session duration too long",
    { aws: { maxSessionDuration: 100_000 } },
    /aws\.maxSessionDuration: must be 3600-43200/,
  ),
  badConfig("an audience that is not a URL", { oidc: { audience: "my-app" } }, /oidc\.audience: must be an https URL/),
  badConfig("an http audience", { oidc: { audience: "http://example.com/" } }, /oidc\.audience/),
  badConfig(
    "a NUL in the audience",
    { oidc: { audience: "https://a/\u0000" } },
    /oidc\.audience: contains the control character U\+0000/,
  ),
  badConfig("a tag key starting with aws:", { tags: { "aws:owner": "me" } }, /tags\.aws:owner: .*"aws:"/),
  badConfig("a NUL in a tag value", { tags: { env: "a\u0000" } }, /tags\.env: contains the control character/),
  badConfig("a comma in a tag value", { tags: { env: "a,b" } }, /tags\.env: tag values may hold only/),
  badConfig("tag keys differing only in case", { tags: { Env: "a", env: "b" } }, /tags\.env: .*differ only in case/),
  badConfig(
    "46 tags",
    { tags: Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`k${i}`, "v"])) },
    /tags: at most 45 tags/,
  ),
  badConfig("a tag key oidc-bridge sets", { tags: { "managed-by": "me" } }, /tags\.managed-by/),
  badConfig(
    "a 2 MB config",
    `{"a":"${"x".repeat(2 * 1024 * 1024)}"}`,
    /c\.json is \d+ bytes or more; a config is at most/,
  ),
  {
    name: "-c naming a missing file",
    args: check("-c", "nope.json"),
    exit: 2,
    names: /-c\/--config: cannot read .*nope\.json \(ENOENT\)/,
  },
  {
    name: "-c naming a FIFO",
    args: check("-c", "pipe"),
    fixtures: [{ fifo: "pipe" }],
    exit: 2,
    names: /-c\/--config: .*pipe is a named pipe \(FIFO\)/,
  },
  {
    name: "-c naming a folder",
    args: check("-c", "folder"),
    fixtures: [{ dir: "folder", mode: 0o755 }],
    exit: 2,
    names: /-c\/--config: .*folder is a folder, not a regular file/,
  },
  {
    name: "-c naming a device",
    args: check("-c", "/dev/zero"),
    exit: 2,
    names: /-c\/--config: \/dev\/zero is a character device/,
  },
  {
    name: "-c naming an absurdly long path",
    args: check("-c", "x".repeat(5000)),
    exit: 2,
    names: /-c\/--config: cannot read .* \(ENAMETOOLONG\)/,
  },
  {
    name: "the default config file being a FIFO",
    args: check(),
    fixtures: [{ fifo: "oidc-bridge.json" }],
    exit: 2,
    names: /the config file .*oidc-bridge\.json is a named pipe/,
  },
  { name: "-c with an empty path", args: check("-c", ""), exit: 2, names: /-c\/--config needs a file path/ },

  // Environment variables that set config values.
  badEnv("AWS_REGION not a region", { AWS_REGION: "Frankfurt" }, /aws\.region: .*\(from AWS_REGION\)/),
  badEnv(
    "OIDC_BRIDGE_ROLE_NAME with a space",
    { OIDC_BRIDGE_ROLE_NAME: "bad role" },
    /aws\.roleName: .*\(from OIDC_BRIDGE_ROLE_NAME\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_ADMIN_CIDRS with an empty entry",
    { OIDC_BRIDGE_ADMIN_CIDRS: "10.0.0.0/8,,1.2.3.4/32" },
    /adminCidrs\.1: .*\(from OIDC_BRIDGE_ADMIN_CIDRS\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_ADMIN_CIDRS with leading zeros",
    { OIDC_BRIDGE_ADMIN_CIDRS: "010.0.0.0/8" },
    /adminCidrs\.0: must not have leading zeros .*\(from OIDC_BRIDGE_ADMIN_CIDRS\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_SSM_PARAMETER reserved",
    { OIDC_BRIDGE_SSM_PARAMETER: "/ssm/x" },
    /aws\.ssmParameterName: .*\(from OIDC_BRIDGE_SSM_PARAMETER\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_AUDIENCE over http",
    { OIDC_BRIDGE_AUDIENCE: "http://x" },
    /oidc\.audience: .*\(from OIDC_BRIDGE_AUDIENCE\)/,
  ),
  badEnv(
    "AZURE_SUBSCRIPTION_ID not a GUID",
    { AZURE_SUBSCRIPTION_ID: "sub" },
    /azure\.subscriptionId: .*\(from AZURE_SUBSCRIPTION_ID\)/,
  ),
  badEnv(
    "AZURE_SUBSCRIPTION_ID not a GUID under --sandbox",
    { AZURE_SUBSCRIPTION_ID: "sub" },
    /\(from AZURE_SUBSCRIPTION_ID\)/,
    ["--sandbox", ...check()],
  ),
  badEnv("AZURE_TENANT_ID not a GUID", { AZURE_TENANT_ID: "tenant" }, /azure\.tenantId: .*\(from AZURE_TENANT_ID\)/),
  badEnv(
    "OIDC_BRIDGE_LOCATION with a space",
    { OIDC_BRIDGE_LOCATION: "West Europe" },
    /azure\.location: .*\(from OIDC_BRIDGE_LOCATION\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_RESOURCE_GROUP with a slash",
    { OIDC_BRIDGE_RESOURCE_GROUP: "a/b" },
    /\(from OIDC_BRIDGE_RESOURCE_GROUP\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_IDENTITY_NAME too short",
    { OIDC_BRIDGE_IDENTITY_NAME: "x" },
    /\(from OIDC_BRIDGE_IDENTITY_NAME\)/,
  ),
  badEnv(
    "OIDC_BRIDGE_VM_NAME digits only",
    { OIDC_BRIDGE_VM_NAME: "1234" },
    /azure\.vm\.name: .*\(from OIDC_BRIDGE_VM_NAME\)/,
  ),
  badEnv("a bad variable stops a layer command before the state folder", { AWS_REGION: "x" }, /\(from AWS_REGION\)/, [
    "trust",
  ]),
  badEnv(
    "a bad variable stops a sandbox layer command before the sandbox",
    { OIDC_BRIDGE_ROLE_NAME: "a b" },
    /\(from OIDC_BRIDGE_ROLE_NAME\)/,
    ["--sandbox", "identity"],
  ),

  // Flags.
  {
    name: "--aws-region not a region",
    args: ["--aws-region", "Frankfurt", ...check()],
    exit: 2,
    names: /--aws-region must be a region code/,
  },
  {
    name: "--subscription not a GUID",
    args: ["--subscription", "x", ...check()],
    exit: 2,
    names: /--subscription must be a subscription GUID/,
  },
  {
    name: "--tenant not a GUID",
    args: ["--tenant", "x", ...check()],
    exit: 2,
    names: /--tenant must be a tenant GUID/,
  },
  {
    name: "--subscription with --sandbox",
    args: ["--sandbox", "--subscription", guid, ...check()],
    exit: 2,
    names: /--subscription: cannot be used with --sandbox/,
  },
  {
    name: "an empty --state-dir",
    args: ["--state-dir", "", "trust"],
    exit: 2,
    names: /--state-dir needs a folder path/,
  },
  { name: "an unknown option", args: ["--frobnicate", "status"], exit: 2, names: /unknown option '--frobnicate'/ },
  {
    name: "a config error in a layer command",
    args: ["-c", "c.json", "trust"],
    fixtures: config({ aws: { roleName: "a b" } }),
    exit: 2,
    names: /aws\.roleName/,
  },

  // State folders.
  badStateDir("a --state-dir that is a file", "plain", /--state-dir: .*plain is a file, not a folder/, [
    { file: "plain", text: "x" },
  ]),
  badStateDir("/dev/null as --state-dir", "/dev/null", /--state-dir: \/dev\/null is a character device/),
  badStateDir("a --state-dir below a file", "plain/sub", /--state-dir: .*plain \(part of .*plain\/sub\) is a file/, [
    { file: "plain", text: "x" },
  ]),
  badStateDir("an absurdly long --state-dir", "s".repeat(5000), /--state-dir: the path .* is 5\d{3} bytes long/),
  badStateDir("a --state-dir with a 300-byte name", `${"n".repeat(300)}/state`, /--state-dir: .*a name of 300 bytes/),
  badStateDir(
    "a --state-dir under /proc",
    "/proc/oidc-bridge-bad-input/state",
    /--state-dir: cannot create \/proc\/oidc-bridge-bad-input/,
  ),
  badStateDir("--state-dir . (a 0755 working folder)", ".", /--state-dir: .* is open to other users \(mode 0755\)/, [
    { dir: ".", mode: 0o755 },
  ]),
  badStateDir("a shared 1777 folder", "shared", /--state-dir: .*shared is open to other users \(mode 01777\)/, [
    { dir: "shared", mode: 0o1777 },
  ]),
  badStateDir("a --state-dir that is a link", "link", /--state-dir: .*link is a symbolic link/, [
    { dir: "real", mode: 0o700 },
    { link: "link", to: "real" },
  ]),
  badStateDir(
    "a state.json that is a folder",
    STATE,
    /state\.json is a folder/,
    ownState({ dir: `${STATE}/state.json`, mode: 0o700 }),
  ),
  badStateDir(
    "a state.json that is a FIFO",
    STATE,
    /state\.json is a named pipe/,
    ownState({ fifo: `${STATE}/state.json` }),
  ),
  badStateDir(
    "a state.json.bak that is a link",
    STATE,
    /state\.json\.bak is a symbolic link/,
    ownState({ file: "victim", text: "v" }, { link: `${STATE}/state.json.bak`, to: "../victim" }),
    attention,
  ),
  badStateDir(
    "a lock that is a link",
    STATE,
    /lock is a symbolic link/,
    ownState({ link: `${STATE}/lock`, to: "../nowhere" }),
    attention,
  ),
  badStateDir(
    "a state.json that is not JSON",
    STATE,
    /state\.json is not a valid oidc-bridge state file: it is not valid JSON/,
    ownState({ file: `${STATE}/state.json`, text: "{", mode: 0o600 }),
    attention,
  ),
  badStateDir(
    "a state.json with a key given twice",
    STATE,
    /state\.json is not a valid .*"version" is given twice/,
    ownState({ file: `${STATE}/state.json`, text: '{"version":1,"version":1}', mode: 0o600 }),
    attention,
  ),
  badStateDir(
    "a state folder under a file, without --sandbox",
    "plain/sub",
    /plain \(part of/,
    [{ file: "plain", text: "x" }],
    { sandbox: false },
  ),
];

let server: Server;
let cloudCalls = 0;
let cloudEnv: Record<string, string>;

beforeAll(async () => {
  // Stands in for every cloud endpoint a run could reach: any request is a failure of the case.
  server = createServer((req, res) => {
    cloudCalls++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  cloudEnv = { AWS_ENDPOINT_URL: url, AZURE_AUTHORITY_HOST: url, IDENTITY_ENDPOINT: url, MSI_ENDPOINT: url };
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** Every path below `root` (not following links) with its mode. */
async function snapshot(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>([[".", (await lstat(root)).mode]]);
  for (const entry of await readdir(root, { recursive: true })) out.set(entry, (await lstat(join(root, entry))).mode);
  return out;
}

async function lay(cwd: string, fixtures: readonly Fixture[]): Promise<void> {
  for (const f of fixtures) {
    if ("text" in f) await writeFile(join(cwd, f.file), f.text, { mode: f.mode ?? 0o644 });
    else if ("fifo" in f) execFileSync("mkfifo", [join(cwd, f.fifo)]);
    else if ("link" in f) await symlink(f.to, join(cwd, f.link));
    else {
      await mkdir(join(cwd, f.dir), { recursive: true });
      if (f.mode !== undefined) await chmod(join(cwd, f.dir), f.mode);
    }
  }
}

interface Outcome {
  readonly status: number | null;
  readonly output: string;
  readonly before: Map<string, number>;
  readonly after: Map<string, number>;
}

async function run(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>>,
  spawned: boolean,
): Promise<{ status: number | null; output: string }> {
  if (!spawned) {
    const { main } = (await import(bundle)) as { main: Main };
    let output = "";
    const status = await main(["node", "oidc-bridge", ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", ...cloudEnv, ...env },
      stdout: (t) => (output += t),
      stderr: (t) => (output += t),
      isTTY: false,
    });
    return { status, output };
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, NO_COLOR: "1", ...cloudEnv, ...env }, encoding: "utf8", timeout: 20_000 },
      (_err, stdout, stderr) => resolve({ status: child.exitCode, output: `${stdout}${stderr}` }),
    );
  });
}

async function runCase(c: Case, spawned: boolean): Promise<Outcome> {
  const cwd = await mkdtemp(join(tmpdir(), "oidc-bridge-bad-input-"));
  try {
    await lay(cwd, c.fixtures ?? []);
    const before = await snapshot(cwd);
    const args = c.args.map((a) => a.replaceAll("{cwd}", cwd));
    const { status, output } = await run(args, cwd, c.env ?? {}, spawned);
    return { status, output, before, after: await snapshot(cwd) };
  } finally {
    await chmod(cwd, 0o700);
    await rm(cwd, { recursive: true, force: true });
  }
}

/** Every eighth case also runs as a process of its own: all kinds of input are in the sample. */
const SPAWNED = new Set(cases.filter((_, i) => i % 8 === 0).map((c) => c.name));

/** All cases, a few at a time; spawned ones two at a time, for the machine's two cores. */
async function runAll(): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const inProcess = [...cases];
  const spawned = cases.filter((c) => SPAWNED.has(c.name));
  const worker = async (queue: Case[], asProcess: boolean): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift())
      results.set(`${asProcess ? "process" : "bundle"} ${c.name}`, await runCase(c, asProcess));
  };
  await Promise.all([
    ...Array.from({ length: 4 }, () => worker(inProcess, false)),
    ...Array.from({ length: 2 }, () => worker(spawned, true)),
  ]);
  return results;
}

describe("malformed configs, flags, paths and variables, through the built CLI", () => {
  let results: Map<string, Outcome>;
  beforeAll(async () => {
    results = await runAll();
  }, 120_000);

  test("the table covers at least 60 cases, each with its own name", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  test.each([
    ...cases.map((c) => [c.name, "bundle", c] as const),
    ...cases.filter((c) => SPAWNED.has(c.name)).map((c) => [c.name, "process", c] as const),
  ])(
    "%s (%s): documented exit code, names what is wrong and the fix, no stack trace, nothing created or changed",
    (_name, how, c) => {
      const outcome = results.get(`${how} ${c.name}`) as Outcome;
      expect(outcome.output).toMatch(c.names);
      expect(outcome.status, outcome.output).toBe(c.exit);
      // The fix: our errors print one, commander's usage errors show the usage.
      expect(outcome.output).toMatch(/^fix: \S|Usage: oidc-bridge|\(Did you mean/m);
      expect(outcome.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(outcome.output).not.toMatch(/internal error/);
      expect([...outcome.after.keys()].sort()).toEqual([...outcome.before.keys()].sort());
      expect(outcome.after).toEqual(outcome.before);
    },
  );

  test("no case created a state folder outside its own folder, or called a cloud", async () => {
    await expect(lstat("/proc/oidc-bridge-bad-input")).rejects.toThrow();
    expect(cloudCalls).toBe(0);
  });
});

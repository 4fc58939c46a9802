import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { observeVmSetup } from "../../src/remote/vm-setup-observe.js";
import { planVmSetup, type VmSetupDesired } from "../../src/remote/vm-setup-plan.js";
import type { HostPort } from "../../src/remote/host-port.js";
import { localHost } from "../helpers/local-host.js";

// Tools the test VM may have. Each keeps its state in a file, as the real ones keep theirs.
const CRONTAB = `#!/bin/sh
f="$HOME/.crontab"
if [ "$1" = "-l" ]; then [ -f "$f" ] && cat "$f" || exit 1; elif [ "$1" = "-" ]; then cat > "$f.new" && mv "$f.new" "$f"; fi`;
const SYSTEMCTL = `#!/bin/sh
s="$HOME/.systemd"; mkdir -p "$s"; shift
case "$1" in
  daemon-reload) ;;
  enable) touch "$s/enabled" "$s/active" ;;
  is-enabled) [ -f "$s/enabled" ] && echo enabled || { echo disabled; exit 1; } ;;
  is-active) [ -f "$s/active" ] && echo active || { echo inactive; exit 3; } ;;
esac`;
const LOGINCTL = `#!/bin/sh
s="$HOME/.systemd"; mkdir -p "$s"
case "$1" in enable-linger) touch "$s/linger" ;; show-user) [ -f "$s/linger" ] && echo yes || echo no ;; esac`;

let dir: string;
let home: string;
let bin: string;
let imds: Server;
let host: HostPort;
let token: string;

async function tool(name: string, text: string): Promise<void> {
  await writeFile(join(bin, name), text);
  await chmod(join(bin, name), 0o755);
}

const desired = (over: Partial<VmSetupDesired> = {}): VmSetupDesired => ({
  audience: "api://AzureADTokenExchange",
  clientId: "0b7a1c2d-0000-4000-8000-000000000001",
  roleArn: "arn:aws:iam::123456789012:role/azure-vm",
  region: "eu-central-1",
  profile: "default",
  sessionName: "oidc-vm",
  now: Math.floor(Date.now() / 1000),
  ...over,
});

async function configure(wish: VmSetupDesired) {
  const changes = planVmSetup(await observeVmSetup(host), wish);
  for (const c of changes) await c.run?.(host);
  return changes;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vm-setup-"));
  home = join(dir, "home");
  bin = join(dir, "bin");
  await mkdir(home, { recursive: true });
  await mkdir(bin);
  // Only the tools a Debian image has: the host's curl, jq, stat and coreutils stay reachable.
  for (const t of [
    "curl",
    "jq",
    "sh",
    "cat",
    "mv",
    "chmod",
    "mkdir",
    "dirname",
    "rm",
    "stat",
    "grep",
    "sed",
    "date",
    "sleep",
    "head",
    "printf",
    "touch",
    "mktemp",
  ]) {
    const { execFileSync } = await import("node:child_process");
    const path = execFileSync("/bin/sh", ["-c", `command -v ${t}`])
      .toString()
      .trim();
    if (path.startsWith("/")) await tool(t, `#!/bin/sh\nexec ${path} "$@"\n`);
  }
  token = await new SignJWT({ sub: "p" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("24h")
    .sign(new TextEncoder().encode("k".repeat(32)));
  imds = createServer((_req, res) => res.end(JSON.stringify({ access_token: token, expires_in: "86399" })));
  await new Promise<void>((done) => imds.listen(0, "127.0.0.1", done));
  host = localHost(home, { PATH: bin, IMDS_ENDPOINT: `http://127.0.0.1:${(imds.address() as AddressInfo).port}` });
});

afterEach(async () => {
  await new Promise((done) => imds.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe("configure on a VM (local shell as the VM)", () => {
  it("with systemd: installs the refresher and the timer, fetches the token, writes the profile; a second run is unchanged", async () => {
    await tool("systemctl", SYSTEMCTL);
    await tool("loginctl", LOGINCTL);
    const first = await configure(desired());
    expect(first.map((c) => [c.item, c.kind])).toEqual([
      ["refresher", "create"],
      ["schedule", "create"],
      ["token", "create"],
      ["aws-profile", "create"],
    ]);
    expect(await readFile(join(home, ".azure/vm-identity-token"), "utf8")).toBe(token);
    expect((await stat(join(home, ".azure/vm-identity-token"))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, ".config/systemd/user/oidc-bridge-token.timer"), "utf8")).toContain(
      "OnUnitActiveSec=1h",
    );
    const config = await readFile(join(home, ".aws/config"), "utf8");
    expect(config).toContain(`web_identity_token_file = ${home}/.azure/vm-identity-token`);
    expect(config).toContain("role_arn = arn:aws:iam::123456789012:role/azure-vm");
    expect(config).toContain("role_session_name = oidc-vm");
    const again = await configure(desired());
    expect(again.map((c) => c.kind)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
  });

  it("without systemd: schedules with cron, keeping the user's own crontab lines", async () => {
    await tool("crontab", CRONTAB);
    await writeFile(join(home, ".crontab"), "0 5 * * * backup # mine\n");
    await configure(desired());
    const lines = (await readFile(join(home, ".crontab"), "utf8")).trim().split("\n");
    expect(lines[0]).toBe("0 5 * * * backup # mine");
    expect(lines.filter((l) => l.endsWith("# oidc-bridge-token"))).toHaveLength(2);
    expect((await configure(desired())).find((c) => c.item === "schedule")?.kind).toBe("unchanged");
  });

  it("with neither systemd nor cron: skips the schedule and says the token will expire", async () => {
    const changes = await configure(desired());
    const schedule = changes.find((c) => c.item === "schedule");
    expect(schedule?.kind).toBe("skip");
    expect(schedule?.reason).toContain("expires in about 24 h");
  });

  it("keeps another profile and a comment in ~/.aws/config and rewrites only the role when it changes", async () => {
    await mkdir(join(home, ".aws"));
    await writeFile(join(home, ".aws/config"), "# my comment\n[profile other]\nregion = us-east-1\n");
    await configure(desired());
    const changes = await configure(desired({ roleArn: "arn:aws:iam::123456789012:role/other" }));
    expect(changes.find((c) => c.item === "aws-profile")?.kind).toBe("update");
    const config = await readFile(join(home, ".aws/config"), "utf8");
    expect(config.startsWith("# my comment\n[profile other]\nregion = us-east-1\n")).toBe(true);
    expect(config).toContain("role_arn = arn:aws:iam::123456789012:role/other");
    expect((await stat(join(home, ".aws/config"))).mode & 0o777).toBe(0o600);
  });

  it("renews a token that is about to expire, and reports why", async () => {
    await configure(desired());
    const later = desired({ now: Math.floor(Date.now() / 1000) + 23 * 3600 });
    const token = planVmSetup(await observeVmSetup(host), later).find((c) => c.item === "token");
    expect(token?.kind).toBe("update");
    expect(token?.reason).toMatch(/expires in \d+ min/);
  });
});

import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NodeSSH } from "node-ssh";
import { handleCheckIp, SANDBOX_PUBLIC_IPV4 } from "../../src/sandbox/vm/index.js";
import { tempDir } from "../helpers/temp-dir.js";
import { CLOUD_CONFIG, ed25519Pair, startVm, type RunningVm } from "../helpers/vm-fixture.js";

let vm: RunningVm | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SERVICE = `[Unit]
Description=Refresh the VM identity token

[Service]
Type=oneshot
Environment=TARGET=%h/.azure/vm-identity-token
ExecStart=/bin/sh -c 'mkdir -p "$(dirname "$TARGET")" && echo run >> "$TARGET"'
`;
const TIMER = `[Unit]
Description=Refresh the VM identity token hourly

[Timer]
OnBootSec=1min
OnUnitActiveSec=1h

[Install]
WantedBy=timers.target
`;

/** Writes a user unit the way the CLI's host port will: through stdin of an exec. */
async function writeUnit(ssh: NodeSSH, name: string, text: string): Promise<void> {
  const put = await ssh.execCommand(`mkdir -p ~/.config/systemd/user && cat > ~/.config/systemd/user/${name}`, {
    stdin: text,
  });
  expect(put.code).toBe(0);
}

describe("sandbox VM image: cloud-init", () => {
  it("reports cloud-init done, waiting or not, and keeps the user data it was given", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const waited = await ssh.execCommand("cloud-init status --wait", { noTrim: true });
    expect(waited).toMatchObject({ code: 0, stdout: "\nstatus: done\n" });
    expect((await ssh.execCommand("cloud-init status", { noTrim: true })).stdout).toBe("status: done\n");
    expect((await ssh.execCommand("cloud-init status --long")).stdout).toContain("detail: DataSourceAzure");
    expect((await ssh.execCommand("cloud-init query userdata", { noTrim: true })).stdout).toBe(CLOUD_CONFIG);
    const bad = await ssh.execCommand("cloud-init bogus");
    expect(bad.code).toBe(2);
  });
});

describe("sandbox VM image: systemd user units", () => {
  it("enables and starts a timer: active, enabled, listed with a next time, its service run once", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    await writeUnit(ssh, "refresh.service", SERVICE);
    await writeUnit(ssh, "refresh.timer", TIMER);
    const enable = await ssh.execCommand(
      "systemctl --user daemon-reload && systemctl --user enable --now refresh.timer",
    );
    expect(enable.code).toBe(0);
    expect(enable.stderr).toContain("timers.target.wants/refresh.timer");

    const state = await ssh.execCommand(
      "systemctl --user is-active refresh.timer && systemctl --user is-enabled refresh.timer",
    );
    expect(state).toMatchObject({ code: 0, stdout: "active\nenabled" });
    const timers = (await ssh.execCommand("systemctl --user list-timers")).stdout.split("\n");
    expect(timers[0]).toMatch(/^NEXT\s+LEFT\s+LAST\s+PASSED\s+UNIT\s+ACTIVATES$/);
    expect(timers[1]).toMatch(/^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC .* refresh\.timer refresh\.service$/);
    expect(timers).toContain("1 timers listed.");
    expect(await readFile(join(vm.host.homeDir, ".azure", "vm-identity-token"), "utf8")).toBe("run\n");

    // Starting the service runs ExecStart once more, synchronously; the output is in its journal.
    expect((await ssh.execCommand("systemctl --user start refresh.service")).code).toBe(0);
    expect(await readFile(join(vm.host.homeDir, ".azure", "vm-identity-token"), "utf8")).toBe("run\nrun\n");
    expect(await ssh.execCommand("systemctl --user is-active refresh.service")).toMatchObject({
      code: 3,
      stdout: "inactive",
    });
  });

  it("reports a failing service as systemd does and marks it failed", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    await writeUnit(
      ssh,
      "broken.service",
      "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo no token >&2; exit 7'\n",
    );
    const start = await ssh.execCommand("systemctl --user start broken.service");
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("Job for broken.service failed because the control process exited with error code.");
    expect(await ssh.execCommand("systemctl --user is-active broken.service")).toMatchObject({
      code: 3,
      stdout: "failed",
    });
    expect((await ssh.execCommand("journalctl --user -u broken.service --no-pager")).stdout).toMatch(
      /oidc-vm broken\[\d+\]: no token$/,
    );
    expect((await ssh.execCommand("systemctl --user start missing.service")).code).toBe(5);
  });

  it("keeps using a unit as loaded until daemon-reload, with systemd's warning", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    await writeUnit(ssh, "job.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo one >> out'\n");
    await ssh.execCommand("systemctl --user start job.service");
    await writeUnit(ssh, "job.service", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo two >> out'\n");
    const stale = await ssh.execCommand("systemctl --user start job.service");
    expect(stale.stderr).toContain("Run 'systemctl --user daemon-reload' to reload units.");
    await ssh.execCommand("systemctl --user daemon-reload && systemctl --user start job.service");
    expect(await readFile(join(vm.host.homeDir, "out"), "utf8")).toBe("one\none\ntwo\n");
  });

  it("refuses system units as a non-root admin would be refused, pointing at --user", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    await writeUnit(ssh, "refresh.service", SERVICE);
    await writeUnit(ssh, "refresh.timer", TIMER);
    const system = await ssh.execCommand("systemctl enable --now refresh.timer");
    expect(system.code).toBe(1);
    expect(system.stderr).toContain("Interactive authentication required.");
    expect(system.stderr).toContain("systemctl --user");
  });

  it("after a restart (a reboot) keeps enabled timers active and stops the rest", async () => {
    vm = await startVm();
    let ssh = await vm.ssh();
    await writeUnit(ssh, "refresh.service", SERVICE);
    await writeUnit(ssh, "refresh.timer", TIMER);
    await writeUnit(ssh, "other.timer", "[Timer]\nOnCalendar=daily\nUnit=refresh.service\n");
    await ssh.execCommand("systemctl --user enable --now refresh.timer && systemctl --user start other.timer");
    expect((await ssh.execCommand("systemctl --user is-active other.timer")).stdout).toBe("active");

    vm = await vm.restart();
    ssh = await vm.ssh();
    expect((await ssh.execCommand("systemctl --user is-active refresh.timer other.timer")).stdout).toBe(
      "active\ninactive",
    );
    // Only the first start ran the service (a timer with only OnCalendar= does not fire at once).
    expect(await readFile(join(vm.host.homeDir, ".azure", "vm-identity-token"), "utf8")).toBe("run\n");
  });

  it("keeps user linger in the VM (loginctl)", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    expect((await ssh.execCommand("loginctl show-user adminuser -p Linger")).stdout).toBe("Linger=no");
    await ssh.execCommand("loginctl enable-linger adminuser");
    expect((await ssh.execCommand("loginctl show-user adminuser -p Linger --value")).stdout).toBe("yes");
  });
});

describe("sandbox VM image: host tools", () => {
  it("has no root: sudo refuses instead of reaching the host's sudo", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const result = await ssh.execCommand("sudo id");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("a sandbox VM has no root");
  });

  it("uses the host's curl and jq when it has them", async () => {
    const folder = await tempDir("oidc-bridge-host-tools-");
    cleanups.push(folder.cleanup);
    const tools = folder.path;
    for (const tool of ["curl", "jq"]) {
      await writeFile(join(tools, tool), `#!/bin/sh\necho host-${tool}\n`);
      await chmod(join(tools, tool), 0o755);
    }
    vm = await startVm({ env: { PATH: `${tools}:/usr/bin:/bin` }, awsCli: "host" });
    expect(vm.host.shims).toEqual([]);
    const ssh = await vm.ssh();
    expect((await ssh.execCommand("curl; jq")).stdout).toBe("host-curl\nhost-jq");
  });

  it("stands in for curl and jq when the host lacks them", async () => {
    const empty = await tempDir("oidc-bridge-no-tools-");
    cleanups.push(empty.cleanup);
    vm = await startVm({ env: { PATH: empty.path }, awsCli: "auto" });
    expect(vm.host.shims).toEqual(["jq", "curl", "aws"]);
    const checkip = createServer(handleCheckIp);
    await new Promise<void>((resolve) => checkip.listen(0, "127.0.0.1", resolve));
    try {
      const address = checkip.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      const ssh = await vm.ssh();
      const ip = await ssh.execCommand(`curl -sSf http://127.0.0.1:${address.port}/`);
      expect(ip).toMatchObject({ code: 0, stdout: SANDBOX_PUBLIC_IPV4 });
      const missing = await ssh.execCommand(`curl -sSf http://127.0.0.1:${address.port}/nope`);
      expect(missing.code).toBe(22);
      const jq = await ssh.execCommand(`jq -r '.a.b[1] // "none"'`, { stdin: '{"a":{"b":[1,"tok"]}}' });
      expect(jq).toMatchObject({ code: 0, stdout: "tok" });
      expect((await ssh.execCommand("jq 'keys'", { stdin: "{}" })).code).toBe(3);
    } finally {
      await new Promise((resolve) => checkip.close(resolve));
    }
  });

  it("runs the aws stand-in when asked, the host's aws when asked, and in auto mode the host's only if it honours AWS_ENDPOINT_URL", async () => {
    const folder = await tempDir("oidc-bridge-host-aws-");
    cleanups.push(folder.cleanup);
    const fakeAws = async (version: string): Promise<string> => {
      const dir = join(folder.path, version);
      await mkdir(dir);
      await writeFile(
        join(dir, "aws"),
        `#!/bin/sh\necho "aws-cli/${version} Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12"\n`,
      );
      await chmod(join(dir, "aws"), 0o755);
      return `${dir}:/usr/bin:/bin`;
    };
    const bookworm = await fakeAws("2.9.19");
    const recent = await fakeAws("2.27.50");

    vm = await startVm({ env: { PATH: bookworm }, awsCli: "auto" });
    expect(vm.host.shims).toContain("aws");
    let ssh = await vm.ssh();
    expect((await ssh.execCommand("aws --version")).stdout).toMatch(/^aws-cli\/2 Node\/[\d.]+ sandbox-vm-stand-in$/);
    await vm.stop();

    vm = await startVm({ env: { PATH: recent }, awsCli: "auto" });
    expect(vm.host.shims).not.toContain("aws");
    ssh = await vm.ssh();
    expect((await ssh.execCommand("aws --version")).stdout).toBe(
      "aws-cli/2.27.50 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12",
    );
    await vm.stop();

    // Asked for the stand-in, the VM gets it though the host's aws would do; restarted in "host"
    // mode, that stand-in is removed and no longer shadows the host's.
    const vmDir = await tempDir("oidc-bridge-vm-aws-");
    const shared = { dir: vmDir.path, admin: ed25519Pair(), cleanup: vmDir.cleanup };
    vm = await startVm({ env: { PATH: recent }, awsCli: "standin" }, shared);
    expect(vm.host.shims).toContain("aws");
    ssh = await vm.ssh();
    expect((await ssh.execCommand("aws --version")).stdout).toContain("sandbox-vm-stand-in");
    await vm.host.close();
    vm = await startVm({ env: { PATH: recent }, awsCli: "host" }, shared);
    expect(vm.host.shims).toEqual([]);
    ssh = await vm.ssh();
    expect((await ssh.execCommand("aws --version")).stdout).toContain("aws-cli/2.27.50");
  });
});

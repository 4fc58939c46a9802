import { createServer, type Server, type Socket } from "node:net";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectSsh, SshConnectError, sshFailure, type SshHost, type SshTarget } from "../../src/remote/ssh-host.js";
import { generateOpenSshKey } from "../../src/remote/openssh-keygen.js";
import { waitFor } from "../../src/resources/vm/wait.js";
import { ADMIN, startVm, type RunningVm } from "../helpers/vm-fixture.js";
import { bridgeFailure, rejection } from "../helpers/rejection.js";

/** The SSH host port (node-ssh) against a sandbox VM's sshd on 127.0.0.1. */

let vm: RunningVm | undefined;
let host: SshHost | undefined;
let silent: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  await host?.close();
  await vm?.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  host = vm = silent = undefined;
});

const targetOf = (running: RunningVm, over: Partial<SshTarget> = {}): SshTarget => ({
  host: "127.0.0.1",
  port: running.port,
  username: ADMIN,
  privateKey: running.admin.private,
  label: `${ADMIN}@203.0.113.4`,
  ...over,
});

describe("SSH host port", () => {
  it("pins the host key on first contact: the fingerprint is the VM's", async () => {
    vm = await startVm();
    host = await connectSsh(targetOf(vm));
    expect(host.hostKeyFingerprint).toBe(vm.host.hostKeyFingerprint);
    expect(host.target).toBe(`${ADMIN}@203.0.113.4`);
  });

  it("runs commands with their status, gives secrets on stdin, reads and writes files atomically with a mode", async () => {
    vm = await startVm();
    host = await connectSsh(targetOf(vm, { hostKeyFingerprint: vm.host.hostKeyFingerprint }));
    expect(await host.run('echo "$USER"; exit 3')).toEqual({ code: 3, stdout: `${ADMIN}\n`, stderr: "" });
    expect((await host.run("cat", { stdin: "secret-value" })).stdout).toBe("secret-value");
    expect(await host.readFile("~/missing/file")).toBeUndefined();
    await host.writeFile("~/.config/oidc/token's file", "line 1\nline 2\n", 0o600);
    expect(await host.readFile("~/.config/oidc/token's file")).toBe("line 1\nline 2\n");
    const home = vm.host.homeDir;
    expect((await stat(join(home, ".config/oidc/token's file"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, ".config/oidc"))).mode & 0o777).toBe(0o700);
    await host.writeFile("~/run.sh", "#!/bin/sh\n", 0o755);
    expect((await stat(join(home, "run.sh"))).mode & 0o777).toBe(0o755);
    expect((await host.run("ls -A ~/.config/oidc")).stdout).toBe("token's file\n");
  });

  it("refuses a host key other than the pinned one, with the fix", async () => {
    vm = await startVm();
    const target = targetOf(vm, { hostKeyFingerprint: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    const err = await rejection(connectSsh(target));
    expect(err).toBeInstanceOf(SshConnectError);
    const error = sshFailure(err as SshConnectError, target);
    expect(error.code).toBe("HOST_KEY_CHANGED");
    expect(error.message).toContain(vm.host.hostKeyFingerprint);
    expect(error.hint).toMatch(/hostKeyFingerprint/);
  });

  it("is refused with another login name or another key", async () => {
    vm = await startVm();
    const other = generateOpenSshKey("ed25519", "other");
    for (const over of [{ username: "root" }, { privateKey: other.privateKey }]) {
      const err = await rejection(connectSsh(targetOf(vm, over)));
      expect((err as SshConnectError).reason).toBe("auth");
      expect(sshFailure(err as SshConnectError, targetOf(vm)).code).toBe("SSH_FAILED");
    }
  });

  it("a listener that never speaks SSH times out with what was waited for", async () => {
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const target: SshTarget = {
      host: "127.0.0.1",
      port,
      username: ADMIN,
      privateKey: generateOpenSshKey("ed25519", "k").privateKey,
      label: `${ADMIN}@203.0.113.4`,
      connectTimeoutMs: 300,
    };
    const error = await bridgeFailure(
      waitFor(
        {
          what: `SSH on ${target.label} to answer`,
          timeoutMs: 1000,
          intervalMs: 100,
          setting: "azure.vm.timeouts.sshSeconds",
        },
        async () => {
          try {
            return { done: await connectSsh(target) };
          } catch (err) {
            return { notYet: (err as Error).message };
          }
        },
      ),
    );
    expect(error.code).toBe("VM_WAIT_TIMEOUT");
    expect(error.message).toMatch(/waiting for SSH on adminuser@203\.0\.113\.4 to answer \(last: .*[Tt]imed out/);
    expect(error.hint).toContain("azure.vm.timeouts.sshSeconds");
  });
});

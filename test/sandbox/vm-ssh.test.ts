import { createHash, randomBytes } from "node:crypto";
import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NodeSSH } from "node-ssh";
import ssh2, { type PublicKeyAuthMethod } from "ssh2";
import { createVmHost, removeVmFolder, VmHostError } from "../../src/sandbox/vm/index.js";
import { rejection } from "../helpers/rejection.js";
import { ADMIN, ed25519Pair, startVm, type RunningVm } from "../helpers/vm-fixture.js";

let vm: RunningVm | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
});

describe("sandbox VM sshd: commands", () => {
  it("runs the admin's commands as the admin, in the VM's home, with the VM's tools first on PATH", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const result = await ssh.execCommand('printf "%s|%s|%s|%s|%s" "$USER" "$LOGNAME" "$HOME" "$SHELL" "$(pwd -P)"');
    const home = join(vm.dir, "vms", "oidc-vm", "home", ADMIN);
    expect(result.stdout).toBe(`${ADMIN}|${ADMIN}|${home}|/bin/sh|${await realpath(home)}`);
    expect(vm.host.homeDir).toBe(home);
    expect(((await stat(home)).mode & 0o777).toString(8)).toBe("700");
    const path = await ssh.execCommand('echo "$PATH"');
    expect(path.stdout.startsWith(`${join(vm.dir, "vms", "oidc-vm", "bin")}:`)).toBe(true);
  });

  it("returns stdout, stderr and the exit status of a command", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const result = await ssh.execCommand("echo out; echo err >&2; exit 3");
    expect(result).toMatchObject({ stdout: "out", stderr: "err", code: 3, signal: null });
  });

  it("reports the signal that killed a command", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const result = await ssh.execCommand("kill -TERM $$");
    expect(result.signal).toBe("SIGTERM");
  });

  it("pipes stdin to a command: a file written atomically with a mode reads back the same", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    // A megabyte crosses SSH's flow-control window many times.
    const content = randomBytes(768 * 1024).toString("base64");
    const write = await ssh.execCommand("umask 077 && cat > .f.tmp && chmod 0400 .f.tmp && mv .f.tmp token", {
      stdin: content,
    });
    expect(write.code).toBe(0);
    const read = await ssh.execCommand("cat token", { noTrim: true });
    expect(read.stdout).toBe(content);
    expect(((await stat(join(vm.host.homeDir, "token"))).mode & 0o777).toString(8)).toBe("400");
  });

  it("keeps the client's LANG but not variables sshd would refuse", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const result = await ssh.execCommand('echo "$LANG|${SNEAKY-unset}"', {
      execOptions: { env: { LANG: "de_DE.UTF-8", SNEAKY: "1" } },
    });
    expect(result.stdout).toBe("de_DE.UTF-8|unset");
  });

  it("passes the sandbox's environment to commands but refuses to let it replace the admin's identity", async () => {
    vm = await startVm({ env: { AWS_ENDPOINT_URL: "https://127.0.0.1:1234" } });
    const ssh = await vm.ssh();
    expect((await ssh.execCommand('echo "$AWS_ENDPOINT_URL"')).stdout).toBe("https://127.0.0.1:1234");
    const error = await rejection(
      createVmHost({ dir: vm.dir, vmName: "other", adminUser: ADMIN, authorizedKeys: [], env: { HOME: "/" } }),
    );
    expect(error).toBeInstanceOf(VmHostError);
    expect(error.message).toContain("env.HOME");
  });

  it("gives an interactive shell with a pty request a working line discipline", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    const channel = await ssh.requestShell({ term: "xterm" });
    let seen = "";
    const exited = new Promise<number>((resolve) => channel.on("exit", (code: number) => resolve(code)));
    const shown = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (seen.includes(text)) {
            channel.off("data", onData);
            resolve();
          }
        };
        const onData = (chunk: Buffer): void => {
          seen += chunk.toString();
          check();
        };
        channel.on("data", onData);
        check();
      });
    // Typed "echp", erased one character, then "o hi" and Enter: the shell must get "echo hi".
    channel.write("echp\x7fo hi\r");
    await shown("hi\r\n");
    expect(seen).toContain("echp\b \bo hi\r\n");
    channel.write("exit 4\r");
    expect(await exited).toBe(4);
  });

  it("ends every session and process of the VM when it closes", async () => {
    vm = await startVm();
    const ssh = await vm.ssh();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const pending = ssh.execCommand("echo $$ > pid; echo started; exec sleep 600", { onStdout: () => started() });
    await running;
    const pid = Number((await ssh.execCommand("cat pid")).stdout);
    await vm.host.close();
    await pending.catch(() => undefined);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("removes the VM's folder when the VM is deleted", async () => {
    vm = await startVm();
    await vm.host.close();
    await removeVmFolder(vm.dir, "oidc-vm");
    await expect(stat(join(vm.dir, "vms", "oidc-vm"))).rejects.toThrow(/ENOENT/);
    await expect(removeVmFolder(vm.dir, "../escape")).rejects.toThrow(/folderName "..\/escape"/);
  });
});

describe("sandbox VM sshd: who may sign in", () => {
  const refused = /authentication methods failed/;

  it("refuses another user name, even with the admin's key", async () => {
    vm = await startVm();
    await expect(vm.ssh({ username: "root" })).rejects.toThrow(refused);
  });

  it("refuses a key that is not authorised", async () => {
    vm = await startVm();
    await expect(vm.ssh({ privateKey: ed25519Pair().private })).rejects.toThrow(refused);
  });

  it("refuses passwords and keyboard-interactive sign-in", async () => {
    vm = await startVm();
    const client = new NodeSSH();
    const attempt = client.connect({
      host: "127.0.0.1",
      port: vm.port,
      username: ADMIN,
      password: "anything",
      tryKeyboard: true,
    });
    await expect(attempt).rejects.toThrow(refused);
    client.dispose();
  });

  it("refuses the authorised public key with a signature made by another key", async () => {
    vm = await startVm();
    const authorised = ssh2.utils.parseKey(vm.admin.private);
    const forger = ssh2.utils.parseKey(ed25519Pair().private);
    if (authorised instanceof Error || forger instanceof Error) throw new Error("test keys do not parse");
    // Offers the admin's public key but cannot sign with its private half.
    authorised.sign = (data: Buffer | string, algo?: string) => forger.sign(data, algo);
    const publicKeyMethod: PublicKeyAuthMethod = { type: "publickey", username: ADMIN, key: authorised };
    const client = new ssh2.Client();
    const outcome = new Promise<string>((resolve) => {
      client.on("ready", () => resolve("signed in"));
      client.on("error", (err) => resolve(err.message));
    });
    client.connect({
      host: "127.0.0.1",
      port: vm.port,
      username: ADMIN,
      authHandler: [publicKeyMethod],
    });
    expect(await outcome).toMatch(refused);
    client.end();
  });

  it("drops a client after six refused sign-in attempts, as sshd's MaxAuthTries does", async () => {
    vm = await startVm();
    let attempts = 0;
    const client = new ssh2.Client();
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    client.on("error", () => undefined);
    client.connect({
      host: "127.0.0.1",
      port: vm.port,
      username: ADMIN,
      // Offers a fresh unauthorised key for as long as the server lets it.
      authHandler: (_methodsLeft, _partial, next) => {
        attempts++;
        next({ type: "publickey", username: ADMIN, key: ed25519Pair().private });
      },
    });
    await closed;
    expect(attempts).toBe(7);
  });

  it("accepts an authorised RSA key (signed with SHA-2)", async () => {
    const rsa = ssh2.utils.generateKeyPairSync("rsa", { bits: 2048, comment: "admin-rsa" });
    vm = await startVm({ authorizedKeys: [rsa.public] });
    const ssh = await vm.ssh({ privateKey: rsa.private });
    expect((await ssh.execCommand("whoami-is-not-used; echo $USER")).stdout).toContain(ADMIN);
  });

  it("honours keys the admin adds to ~/.ssh/authorized_keys, as sshd does", async () => {
    vm = await startVm();
    const added = ed25519Pair();
    const ssh = await vm.ssh();
    await ssh.execCommand("cat >> .ssh/authorized_keys", { stdin: `${added.public}\n` });
    const second = await vm.ssh({ privateKey: added.private });
    expect((await second.execCommand("echo ok")).stdout).toBe("ok");
  });

  it("refuses a public key line it cannot use, naming it", async () => {
    const error = await rejection(
      createVmHost({ dir: "/nonexistent", vmName: "x", adminUser: ADMIN, authorizedKeys: ["ssh-dss AAAA"] }),
    );
    expect(error.message).toMatch(/authorizedKeys\[0\] "ssh-dss AAAA" is not an OpenSSH public key line/);
  });
});

describe("sandbox VM sshd: host key", () => {
  it("presents the fingerprint it reports, and the same key after a restart", async () => {
    vm = await startVm();
    const first = vm.host.hostKeyFingerprint;
    expect(first).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    let seen: string | undefined;
    await vm.ssh({
      hostVerifier: (key: Buffer) => {
        seen = `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
        return true;
      },
    });
    expect(seen).toBe(first);
    const keyFile = join(vm.dir, "vms", "oidc-vm", "ssh_host_ed25519_key");
    expect(((await stat(keyFile)).mode & 0o777).toString(8)).toBe("600");

    vm = await vm.restart();
    expect(vm.host.hostKeyFingerprint).toBe(first);
    // A client that pinned the key (hex SHA-256, ssh2's hostHash form) still connects.
    const pinned = Buffer.from(first.slice(7), "base64").toString("hex");
    await expect(
      vm.ssh({ hostHash: "sha256", hostVerifier: (hash: string) => hash === pinned }),
    ).resolves.toBeDefined();
  });

  it("gives each VM a host key of its own", async () => {
    vm = await startVm();
    const other = await createVmHost({ dir: vm.dir, vmName: "vm-two", adminUser: ADMIN, authorizedKeys: [] });
    await other.close();
    expect(other.hostKeyFingerprint).not.toBe(vm.host.hostKeyFingerprint);
  });
});

import type { ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { AuthContext, Connection } from "ssh2";
import { installAuthorizedKeys, parseGivenKeys, readAuthorizedKeys, sameBlob } from "./authorized-keys.js";
import { loadOrCreateHostKey } from "./host-key.js";
import { vmAwsMode, type VmAwsMode } from "./host-aws.js";
import { writeImage } from "./image.js";
import { killGroup, serveSession } from "./sessions.js";
import { VmHostError } from "./vm-error.js";
import { checkVmName, vmLayout } from "./vm-paths.js";

export interface VmHostOptions {
  /** The sandbox folder; the VM lives in `<dir>/vms/<folderName>`. */
  readonly dir: string;
  /** The VM's name: its host name in prompts and journal lines. */
  readonly vmName: string;
  /** The VM's folder under `<dir>/vms/` (default: vmName). Pass a unique one when names repeat across resource groups. */
  readonly folderName?: string | undefined;
  readonly adminUser: string;
  /** OpenSSH public key lines (`ssh-ed25519 AAAA…`, `ssh-rsa AAAA…`) that may sign in as adminUser. */
  readonly authorizedKeys: readonly string[];
  /** The VM's user data, base64, as given to ARM (a cloud-config); recorded, never run. */
  readonly userData?: string | undefined;
  /**
   * Extra environment for every command and service on the VM (e.g. the sandbox's endpoints and
   * CA bundle). `PATH` here is the part after the VM's own tools (default: this process's PATH).
   */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /**
   * Which `aws` the VM runs: "standin" (the Node stand-in), "host" (this machine's), or "auto" (the
   * host's when it honours AWS_ENDPOINT_URL*, else the stand-in). Default: vmAwsMode(process.env).
   */
  readonly awsCli?: VmAwsMode | undefined;
}

export interface VmHost {
  readonly vmName: string;
  readonly vmDir: string;
  /** The admin's HOME and the commands' working folder. */
  readonly homeDir: string;
  /** `SHA256:…` of the VM's host key, as OpenSSH prints it. */
  readonly hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA…`: the host key as a known_hosts line holds it. */
  readonly hostPublicKey: string;
  /** Tools the VM got a stand-in for ("jq", "curl" when the host lacks them; "aws" as awsCli says). */
  readonly shims: readonly string[];
  /** Serves one accepted TCP connection as the VM's sshd. */
  handleConnection(socket: Socket): void;
  /** Listens on 127.0.0.1 on a fresh port (for use without the harness); resolves to the port. */
  listen(): Promise<number>;
  /** Ends every session and process of the VM and stops listening. The VM's folder stays. */
  close(): Promise<void>;
}

/** Variables the VM itself sets for its admin: the caller may not override them. */
const VM_OWNED = ["HOME", "USER", "LOGNAME", "SHELL"];
/** sshd's default MaxAuthTries: after this many refused attempts the connection is dropped. */
const MAX_AUTH_TRIES = 6;
/** How long close() waits for clients to hang up after the disconnect message. */
const CLOSE_GRACE_MS = 1000;

/**
 * Starts one sandbox VM's insides: its disk (folder), tools, and sshd. Idempotent over restarts:
 * the host key, the home folder and the emulated systemd's state survive.
 */
export async function createVmHost(options: VmHostOptions): Promise<VmHost> {
  const { vmName, adminUser } = options;
  checkVmName("vmName", vmName);
  const layout = vmLayout(options.dir, options.folderName ?? vmName, adminUser);
  parseGivenKeys(options.authorizedKeys);
  const extra = { ...options.env };
  for (const key of VM_OWNED) {
    if (key in extra) {
      throw new VmHostError(
        "VM_BAD_ENV",
        `env.${key} is set by the sandbox VM itself (from adminUser): remove it from env`,
      );
    }
  }
  const hostPath = extra.PATH ?? process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
  const baseEnv: Record<string, string> = {
    LANG: "C.UTF-8",
    ...extra,
    HOME: layout.home,
    USER: adminUser,
    LOGNAME: adminUser,
    SHELL: "/bin/sh",
    PATH: `${layout.bin}:${hostPath}`,
  };

  const awsCli = options.awsCli ?? vmAwsMode(process.env);
  const image = await writeImage({ layout, vmName, env: baseEnv, hostPath, userData: options.userData, awsCli });
  await installAuthorizedKeys(layout.home, options.authorizedKeys);
  const hostKey = await loadOrCreateHostKey(layout.hostKey);

  const children = new Set<ChildProcess>();
  const sockets = new Set<Socket>();
  const connections = new Set<Connection>();
  let closing = false;
  let listener: NetServer | undefined;

  const authenticate = async (ctx: AuthContext): Promise<void> => {
    if (ctx.method !== "publickey" || ctx.username !== adminUser) return ctx.reject(["publickey"]);
    const offered = ctx.key;
    // sshd reads authorized_keys at every attempt: the admin may have changed it.
    const granted = (await readAuthorizedKeys(layout.home)).find(
      (k) => k.type === offered.algo && sameBlob(k.blob, offered.data),
    );
    if (!granted) return ctx.reject(["publickey"]);
    // Without a signature the client only asks whether this key would do.
    if (ctx.signature === undefined || ctx.blob === undefined) return ctx.accept();
    // OpenSSH (8.8 on) refuses RSA signatures over SHA-1; a Debian 13 image does too.
    if (offered.algo === "ssh-rsa" && ctx.hashAlgo !== "sha256" && ctx.hashAlgo !== "sha512") {
      return ctx.reject(["publickey"]);
    }
    if (granted.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    ctx.reject(["publickey"]);
  };

  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: "OpenSSH_10.0p2 Debian-7" }, (client) => {
    serveConnection(client);
  });

  const serveConnection = (client: Connection): void => {
    let refused = 0;
    connections.add(client);
    client.once("close", () => connections.delete(client));
    client.on("error", () => undefined);
    client.on("authentication", (ctx) => {
      if (ctx.method !== "none" && ++refused > MAX_AUTH_TRIES) return client.end();
      authenticate(ctx).catch(() => ctx.reject(["publickey"]));
    });
    client.on("session", (accept) => {
      serveSession(accept(), {
        home: layout.home,
        vmName,
        adminUser,
        baseEnv,
        track: (child) => {
          if (closing) return false;
          children.add(child);
          child.once("exit", () => children.delete(child));
          return true;
        },
      });
    });
  };

  const handleConnection = (socket: Socket): void => {
    if (closing) {
      socket.destroy();
      return;
    }
    // SSH is many small request/reply packets: Nagle plus delayed ACKs would add ~40 ms to each.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    server.injectSocket(socket);
  };

  return {
    vmName,
    vmDir: layout.vmDir,
    homeDir: layout.home,
    hostKeyFingerprint: hostKey.fingerprint,
    hostPublicKey: hostKey.publicKey,
    shims: image.shims,
    handleConnection,
    async listen() {
      if (listener) throw new VmHostError("VM_ALREADY_LISTENING", `sandbox VM ${vmName} is listening already`);
      const net = createServer(handleConnection);
      listener = net;
      await new Promise<void>((resolve, reject) => {
        net.once("error", reject);
        net.listen(0, "127.0.0.1", () => resolve());
      });
      const address = net.address();
      if (address === null || typeof address === "string") throw new Error("a TCP server has no port");
      return address.port;
    },
    async close() {
      closing = true;
      const stopped = listener ? new Promise<void>((resolve) => listener?.close(() => resolve())) : undefined;
      const exits = [...children].map(
        (child) =>
          new Promise<void>((resolve) =>
            child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
          ),
      );
      for (const child of children) killGroup(child, "SIGKILL");
      await Promise.all(exits);
      // As at a shutdown: sshd says goodbye to every client, and the sockets of those that do
      // not hang up are cut after a grace period.
      const gone = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())));
      for (const client of connections) client.end();
      const cut = setTimeout(() => sockets.forEach((socket) => socket.destroy()), CLOSE_GRACE_MS);
      await Promise.all(gone);
      clearTimeout(cut);
      await stopped;
    },
  };
}

/** Deletes a VM's disk: call after `close()` when the VM is deleted. */
export async function removeVmFolder(dir: string, folderName: string): Promise<void> {
  checkVmName("folderName", folderName);
  await rm(join(dir, "vms", folderName), { recursive: true, force: true });
}

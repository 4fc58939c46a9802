import { NodeSSH, type Config } from "node-ssh";
import { createVmHost, generateEd25519, type VmHost, type VmHostOptions } from "../../src/sandbox/vm/index.js";
import { tempDir } from "./temp-dir.js";

export interface KeyPair {
  readonly private: string;
  readonly public: string;
}

export function ed25519Pair(): KeyPair {
  return generateEd25519("admin");
}

export const ADMIN = "adminuser";

/** A `#cloud-config` as the VM layer sends it (base64), installing the tools verify needs. */
export const CLOUD_CONFIG = "#cloud-config\npackage_update: true\npackages:\n  - awscli\n  - curl\n  - jq\n";

export interface RunningVm {
  readonly dir: string;
  readonly host: VmHost;
  readonly port: number;
  readonly admin: KeyPair;
  /** Restarts the VM host on the same folder (a sandbox restart). */
  restart(): Promise<RunningVm>;
  /** A node-ssh client signed in as the admin; closed by `stop()`. */
  ssh(extra?: Partial<Config>): Promise<NodeSSH>;
  stop(): Promise<void>;
}

/** One sandbox VM on 127.0.0.1, in a fresh folder (or `dir`), with an ed25519 admin key. */
export async function startVm(
  overrides: Partial<VmHostOptions> = {},
  shared?: { dir: string; admin: KeyPair; cleanup?: () => Promise<void> },
): Promise<RunningVm> {
  const folder = shared ? undefined : await tempDir("oidc-bridge-vm-");
  const dir = shared?.dir ?? folder!.path;
  const cleanup = shared?.cleanup ?? folder!.cleanup;
  const admin = shared?.admin ?? ed25519Pair();
  const host = await createVmHost({
    dir,
    vmName: "oidc-vm",
    adminUser: ADMIN,
    authorizedKeys: [admin.public],
    userData: Buffer.from(CLOUD_CONFIG).toString("base64"),
    // The same aws on every machine (and no `aws --version` probe) unless a test asks otherwise.
    awsCli: "standin",
    ...overrides,
  });
  const port = await host.listen();
  const clients: NodeSSH[] = [];
  let stopped = false;
  const closeHost = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const c of clients) c.dispose();
    await host.close();
  };
  return {
    dir,
    host,
    port,
    admin,
    async restart() {
      await closeHost();
      return startVm(overrides, { dir, admin, cleanup });
    },
    async ssh(extra = {}) {
      const client = new NodeSSH();
      clients.push(client);
      await client.connect({ host: "127.0.0.1", port, username: ADMIN, privateKey: admin.private, ...extra });
      return client;
    },
    async stop() {
      await closeHost();
      await cleanup();
    },
  };
}

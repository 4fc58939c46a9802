/** What the product gets from the sandbox's front door: where the clouds are and how to sign in. */
export interface SandboxHandle {
  /** Listener name → `http(s)://127.0.0.1:<port>` (iam, sts, ssm, entra, entra-keys, arm, ...). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The sandbox root CA, PEM; already trusted by this process once the handle exists. */
  readonly caPem: string;
  /** The sandbox folder (`<state-dir>/sandbox`). */
  readonly dir: string;
  readonly journalPath: string;
  /** The sandbox IAM user's long-term access key. */
  readonly aws: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The service principal the CLI signs in as. */
  readonly azure: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
  /** True when this process started it (and `close` stops it). */
  readonly owned: boolean;
  /** The process serving it. */
  readonly pid: number;
  /** Tells this start of the sandbox from any other (running.json records it). */
  readonly instanceId: string;
  /** The 0600 shell file with the sandbox's credentials, when this process published one. */
  readonly envFile?: string;
  /**
   * An endpoint as it is now, including listeners opened after this handle was made (a VM's SSH
   * server, its metadata service): read live from the harness, or again from running.json when
   * another process serves the sandbox. Names: see `vmSshListenerName` and `CHECKIP_LISTENER`.
   */
  endpoint(name: string): Promise<string | undefined>;
  /** Stops the sandbox if this process owns it (and removes running.json and env.sh); else nothing. */
  close(): Promise<void>;
}

export interface AttachOptions {
  /** Told about what the sandbox cleaned up on the way (a stale running.json). */
  readonly warn?: (message: string) => void;
}

export interface LaunchOptions extends AttachOptions {
  /**
   * For `sandbox start`: write running.json (so commands in other terminals use this sandbox) and
   * env.sh (credentials for other tools, 0600); both go when the handle closes or the process exits.
   */
  readonly publish?: boolean;
}

import { execFile } from "node:child_process";
import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { SANDBOX_ENV } from "../constants.js";
import { VmHostError } from "./vm-error.js";

/**
 * Which `aws` a sandbox VM runs: the Node stand-in (`standin`), the host's AWS CLI (`host`), or the
 * host's when it honours the endpoint variables the sandbox passes, else the stand-in (`auto`).
 */
export type VmAwsMode = "standin" | "host" | "auto";

const MODES: readonly VmAwsMode[] = ["standin", "host", "auto"];
const VERSION_TIMEOUT_MS = 30_000;

/** The mode the environment asks for (OIDC_BRIDGE_SANDBOX_VM_AWS), `auto` when unset. */
export function vmAwsMode(env: Readonly<Record<string, string | undefined>>): VmAwsMode {
  const value = env[SANDBOX_ENV.vmAws];
  if (value === undefined || value === "") return "auto";
  const mode = MODES.find((m) => m === value);
  if (!mode) {
    throw new VmHostError(
      "VM_BAD_ENV",
      `${SANDBOX_ENV.vmAws} is "${value}": use "standin" (the VM's Node stand-in), "host" (this machine's aws) or "auto"`,
    );
  }
  return mode;
}

/** Whether the VM needs the stand-in in this mode, given the host's PATH. */
export async function needsAwsStandIn(mode: VmAwsMode, hostPath: string): Promise<boolean> {
  if (mode !== "auto") return mode === "standin";
  const file = await findOnPath("aws", hostPath);
  return file === undefined || !(await honoursEndpointVariables(file, hostPath));
}

const versionChecks = new Map<string, Promise<boolean>>();

/**
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> came with AWS CLI 2.13.0 and 1.29.0; an older CLI
 * (Debian bookworm's 2.9) would send the VM's token to the real AWS. Asked once per file per process:
 * `aws --version` of a Python CLI takes a second.
 */
function honoursEndpointVariables(file: string, hostPath: string): Promise<boolean> {
  let check = versionChecks.get(file);
  if (!check) {
    check = new Promise((resolve) => {
      execFile(
        file,
        ["--version"],
        { env: { ...process.env, PATH: hostPath }, timeout: VERSION_TIMEOUT_MS },
        (error, stdout, stderr) => {
          const m = /aws-cli\/(\d+)\.(\d+)\.\d+/.exec(`${stdout}${stderr}`);
          if (error || !m) return resolve(false);
          const [major, minor] = [Number(m[1]), Number(m[2])];
          resolve((major === 2 && minor >= 13) || (major === 1 && minor >= 29) || major > 2);
        },
      );
    });
    versionChecks.set(file, check);
  }
  return check;
}

/** The first executable file `name` in the PATH folders (`which` without a shell). */
export async function findOnPath(name: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    try {
      await access(file, constants.X_OK);
      if ((await stat(file)).isFile()) return file;
    } catch {
      // not here: try the next folder
    }
  }
  return undefined;
}

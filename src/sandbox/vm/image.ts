import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ensurePrivateDir, readIfExists, writeFileAtomic } from "./fs-util.js";
import { findOnPath, needsAwsStandIn, type VmAwsMode } from "./host-aws.js";
import { AWS_TOOL_JS } from "./tools/aws-tool.js";
import { CLOUD_INIT_TOOL_SH } from "./tools/cloud-init-tool.js";
import { CURL_TOOL_JS } from "./tools/curl-tool.js";
import { JQ_TOOL_JS } from "./tools/jq-tool.js";
import { SYSTEMD_TOOL_JS } from "./tools/systemd-tool.js";
import { VmHostError } from "./vm-error.js";
import type { VmLayout } from "./vm-paths.js";

export interface ImageInput {
  readonly layout: VmLayout;
  readonly vmName: string;
  /** The VM's base environment: what services get, and what every SSH session starts from. */
  readonly env: Readonly<Record<string, string>>;
  /** The rest of PATH, after the VM's own bin folder: where the host's tools are looked up. */
  readonly hostPath: string;
  /** Base64 user data as given to ARM, if any. */
  readonly userData: string | undefined;
  /** Which `aws` the VM runs (see host-aws.ts). */
  readonly awsCli: VmAwsMode;
}

/** Which host tools the VM got a stand-in for (the host lacked them). */
export interface ImageReport {
  readonly shims: readonly string[];
}

/**
 * Lays out the VM's disk as the Debian image would present it to our commands: the admin's home,
 * the tools configure and verify call (cloud-init, systemctl, journalctl, loginctl, curl/jq only
 * when the host has none, aws as `awsCli` says), cloud-init's record of the user data. Run at every start, so tool
 * fixes reach existing VMs; what the VM's user wrote (home, systemd state) is kept.
 */
export async function writeImage(input: ImageInput): Promise<ImageReport> {
  const { layout } = input;
  for (const dir of [
    layout.vmDir,
    layout.bin,
    layout.lib,
    layout.cloudDir,
    layout.systemdDir,
    join(layout.home, ".."),
  ]) {
    await ensurePrivateDir(dir);
  }
  await ensurePrivateDir(layout.home);
  await recordUserData(layout, input.userData);
  // A new boot id at every start: the emulated systemd treats it as a reboot (see systemd-tool).
  const machine = { hostname: input.vmName, bootTime: Date.now(), bootId: randomUUID(), env: input.env };
  await writeFileAtomic(layout.machine, `${JSON.stringify(machine, null, 2)}\n`, 0o600);

  const node = process.execPath;
  await writeFileAtomic(join(layout.lib, "systemd.mjs"), SYSTEMD_TOOL_JS, 0o600);
  for (const tool of ["systemctl", "journalctl", "loginctl"]) {
    await writeTool(layout, tool, `exec ${shQuote(node)} ${shQuote(join(layout.lib, "systemd.mjs"))} ${tool} "$@"`);
  }
  await writeTool(layout, "cloud-init", `CLOUD_DIR=${shQuote(layout.cloudDir)}\n${CLOUD_INIT_TOOL_SH}`);
  await writeTool(
    layout,
    "sudo",
    'echo "sudo: a sandbox VM has no root: its commands run as your local user, in its folder" >&2\nexit 1',
  );
  const shims: string[] = [];
  for (const [name, source, needed] of [
    ["jq", JQ_TOOL_JS, async () => (await findOnPath("jq", input.hostPath)) === undefined],
    ["curl", CURL_TOOL_JS, async () => (await findOnPath("curl", input.hostPath)) === undefined],
    ["aws", AWS_TOOL_JS, () => needsAwsStandIn(input.awsCli, input.hostPath)],
  ] as const) {
    const lib = join(layout.lib, `${name}.mjs`);
    if (!(await needed())) {
      // A stand-in from an earlier start must not shadow the host's tool now.
      await rm(join(layout.bin, name), { force: true });
      await rm(lib, { force: true });
      continue;
    }
    await writeFileAtomic(lib, source, 0o600);
    await writeTool(layout, name, `exec ${shQuote(node)} ${shQuote(lib)} "$@"`);
    shims.push(name);
  }
  return { shims };
}

async function writeTool(layout: VmLayout, name: string, body: string): Promise<void> {
  await writeFileAtomic(join(layout.bin, name), `#!/bin/sh\n${body}\n`, 0o700);
}

/** cloud-init keeps the decoded user data; the sandbox installs nothing it asks for. */
async function recordUserData(layout: VmLayout, userData: string | undefined): Promise<void> {
  // Given at creation; a restart without it keeps what was recorded.
  if (userData !== undefined) await writeFileAtomic(layout.userData, decodeUserData(userData), 0o600);
  else if ((await readIfExists(layout.userData)) === undefined) await writeFileAtomic(layout.userData, "", 0o600);
  const lastUpdate = join(layout.cloudDir, "last-update");
  if ((await readIfExists(lastUpdate)) === undefined) {
    await writeFileAtomic(lastUpdate, `${rfc2822(new Date())}\n`, 0o600);
  }
}

export function decodeUserData(userData: string): string {
  const compact = userData.replace(/\s+/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new VmHostError(
      "VM_BAD_USER_DATA",
      `userData is not base64 (${userData.length} characters): pass the cloud-config base64-encoded, as ARM's userData takes it`,
    );
  }
  return Buffer.from(compact, "base64").toString("utf8");
}

/** cloud-init's "last_update" format, e.g. "Tue, 21 May 2024 10:15:02 +0000". */
function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/** Single-quotes a word for sh (paths of the sandbox folder may hold spaces). */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

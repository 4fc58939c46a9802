import { join } from "node:path";
import { VmHostError } from "./vm-error.js";

/**
 * Where one sandbox VM keeps its disk. Everything lives under `<sandbox>/vms/<folder>/`, so
 * deleting the VM is removing that folder.
 */
export interface VmLayout {
  readonly vmDir: string;
  /** The admin's home: the commands' HOME and working folder. */
  readonly home: string;
  /** The VM's own tools, first on PATH. */
  readonly bin: string;
  /** Node programs behind the tools in `bin` (bin holds small sh launchers). */
  readonly lib: string;
  readonly hostKey: string;
  readonly userData: string;
  /** What cloud-init reports, and the user data it was given. */
  readonly cloudDir: string;
  /** The emulated systemd's bookkeeping and the journal of the services it ran. */
  readonly systemdDir: string;
  /**
   * Host name, boot time and id, and the environment services start with (the VM's base
   * environment, not an SSH session's): what the emulated systemd reads.
   */
  readonly machine: string;
}

// Names become path segments: these patterns admit the names Azure admits (the ARM emulator checks
// the exact rules) and nothing that could climb out of the sandbox folder.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export function checkVmName(field: string, value: string): void {
  if (!NAME.test(value) || value.endsWith(".")) {
    throw new VmHostError(
      "VM_BAD_NAME",
      `${field} "${value}" cannot name a sandbox VM folder: use 1-128 letters, digits, "_", "." or "-", starting with a letter, digit or "_" and not ending with "."`,
    );
  }
}

export function checkAdminUser(value: string): void {
  if (!USER.test(value) || value.endsWith(".")) {
    throw new VmHostError(
      "VM_BAD_ADMIN_USER",
      `adminUser "${value}" is not a Linux user name: use 1-64 letters, digits, "_", "." or "-", starting with a letter or "_"`,
    );
  }
}

export function vmLayout(sandboxDir: string, folder: string, adminUser: string): VmLayout {
  checkVmName("folderName", folder);
  checkAdminUser(adminUser);
  const vmDir = join(sandboxDir, "vms", folder);
  const cloudDir = join(vmDir, "cloud-init");
  const systemdDir = join(vmDir, "systemd");
  return {
    vmDir,
    home: join(vmDir, "home", adminUser),
    bin: join(vmDir, "bin"),
    lib: join(vmDir, "lib"),
    hostKey: join(vmDir, "ssh_host_ed25519_key"),
    userData: join(cloudDir, "user-data"),
    cloudDir,
    systemdDir,
    machine: join(systemdDir, "machine.json"),
  };
}

import type { JWTPayload } from "jose";
import { readClaims } from "../oidc/claims.js";
import type { HostPort } from "./host-port.js";
import { REFRESH_UNIT, VM_PATHS } from "./token-refresher.js";
import { isOurCronLine, type Scheduler } from "./token-schedule.js";

/** What `configure` finds on the VM: every file it manages, and how the refresher is scheduled. */
export interface VmSetupObserved {
  readonly home: string;
  /** What the VM offers: systemd first, then cron. */
  readonly scheduler: Scheduler;
  readonly refresher: string | undefined;
  readonly service: string | undefined;
  readonly timer: string | undefined;
  readonly timerEnabled: boolean;
  readonly timerActive: boolean;
  readonly linger: boolean;
  readonly cronLines: readonly string[];
  readonly awsConfig: string | undefined;
  readonly token: TokenFileState;
}

export interface TokenFileState {
  readonly exists: boolean;
  /** Permission bits, e.g. 0o600. */
  readonly mode?: number;
  /** Seconds since the epoch; undefined when the file is not a JWT with `exp`. */
  readonly expiresAt?: number;
  /** The token's claims (identifiers, never the token); undefined when it is not a JWT. */
  readonly claims?: JWTPayload;
}

// One round trip for every question whose answer is a word: key=value lines.
const PROBE = `printf 'home=%s\\n' "$HOME"
command -v systemctl >/dev/null 2>&1 && echo systemd=yes
command -v crontab >/dev/null 2>&1 && echo cron=yes
if command -v systemctl >/dev/null 2>&1; then
  printf 'enabled=%s\\n' "$(systemctl --user is-enabled ${REFRESH_UNIT}.timer 2>/dev/null)"
  printf 'active=%s\\n' "$(systemctl --user is-active ${REFRESH_UNIT}.timer 2>/dev/null)"
  printf 'linger=%s\\n' "$(loginctl show-user "$USER" -p Linger --value 2>/dev/null)"
fi
command -v crontab >/dev/null 2>&1 && crontab -l 2>/dev/null | sed 's/^/cron: /'
f="$HOME/${VM_PATHS.tokenFile}"
[ -f "$f" ] && printf 'tokenmode=%s\\n' "$(stat -c %a "$f")"
exit 0`;

export async function observeVmSetup(host: HostPort): Promise<VmSetupObserved> {
  const probe = await host.run(PROBE);
  const lines = probe.stdout.split("\n");
  const value = (key: string): string | undefined => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  const home = value("home") ?? "";
  const path = (relative: string): string => `${home}/${relative}`;
  const [refresher, service, timer, awsConfig, tokenText] = await Promise.all([
    host.readFile(path(VM_PATHS.refresher)),
    host.readFile(path(`${VM_PATHS.systemdDir}/${REFRESH_UNIT}.service`)),
    host.readFile(path(`${VM_PATHS.systemdDir}/${REFRESH_UNIT}.timer`)),
    host.readFile(path(VM_PATHS.awsConfig)),
    host.readFile(path(VM_PATHS.tokenFile)),
  ]);
  const mode = value("tokenmode");
  const claims = tokenText === undefined ? undefined : readClaims(tokenText);
  const exp = claims?.exp;
  return {
    home,
    scheduler: value("systemd") === "yes" ? "systemd" : value("cron") === "yes" ? "cron" : "none",
    refresher,
    service,
    timer,
    timerEnabled: value("enabled") === "enabled",
    timerActive: value("active") === "active",
    linger: value("linger") === "yes",
    cronLines: lines
      .filter((l) => l.startsWith("cron: "))
      .map((l) => l.slice(6))
      .filter(isOurCronLine),
    awsConfig,
    token: {
      exists: tokenText !== undefined,
      ...(mode === undefined ? {} : { mode: parseInt(mode, 8) }),
      ...(typeof exp === "number" ? { expiresAt: exp } : {}),
      ...(claims ? { claims } : {}),
    },
  };
}

import { REFRESH_UNIT } from "./token-refresher.js";
import { shQuote } from "./shell-quote.js";

/** How the refresher is kept running: a systemd user timer, else cron, else nothing (reported). */
export type Scheduler = "systemd" | "cron" | "none";

/**
 * The user units that run the refresher at boot and hourly, with jitter so a fleet does not hit
 * IMDS at once. Tokens live about 24 h; hourly leaves a day of retries before one expires. User
 * units need no root, and lingering keeps them running with nobody logged in.
 */
export function systemdUnits(refresher: string): { service: string; timer: string } {
  return {
    service: `[Unit]
Description=Refresh the VM identity's token for AWS (oidc-bridge)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${refresher}
`,
    timer: `[Unit]
Description=Refresh the VM identity's token for AWS hourly (oidc-bridge)

[Timer]
OnBootSec=1min
OnUnitActiveSec=1h
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
`,
  };
}

const CRON_MARK = `# ${REFRESH_UNIT}`;

/** The crontab lines for a VM without systemd: hourly (at a minute of its own) and at boot. */
export function cronLines(refresher: string, minute: number): string[] {
  const run = `${shQuote(refresher)} >/dev/null 2>&1`;
  return [`${minute} * * * * ${run} ${CRON_MARK}`, `@reboot ${run} ${CRON_MARK}`];
}

/** Replaces our lines in the user's crontab, keeping every other line. */
export function installCronCommand(lines: readonly string[]): string {
  const ours = lines.map((l) => `echo ${shQuote(l)}`).join("; ");
  return `{ crontab -l 2>/dev/null | grep -v -F ${shQuote(CRON_MARK)}; ${ours}; } | crontab -`;
}

export function isOurCronLine(line: string): boolean {
  return line.endsWith(CRON_MARK);
}

/** Enables the timer now and at every boot, and lets the user manager run without a login. */
export function enableTimerCommand(): string {
  return [
    "systemctl --user daemon-reload",
    `systemctl --user enable --now ${REFRESH_UNIT}.timer`,
    // polkit lets a local user linger itself, but may ask an SSH session for a password; Azure's
    // images give the admin password-less sudo.
    '{ loginctl enable-linger "$USER" 2>/dev/null || sudo -n loginctl enable-linger "$USER"; }',
  ].join(" && ");
}

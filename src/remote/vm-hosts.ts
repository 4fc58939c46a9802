import type { HostPort, VmLogin } from "./host-port.js";

export type HostConnector = (access: VmLogin) => Promise<HostPort>;

/** One connection per VM per run, however many nodes and checks ask; all closed at the end. */
export function vmHosts(connect: HostConnector): { open: HostConnector; close(): Promise<void> } {
  const open = new Map<string, Promise<HostPort>>();
  return {
    open(access) {
      const key = `${access.user}@${access.address}`;
      let host = open.get(key);
      if (!host) {
        host = connect(access);
        open.set(key, host);
        // A failed connection is not kept: the next ask tries again.
        host.catch(() => open.delete(key));
      }
      return host;
    },
    async close() {
      const all = [...open.values()];
      open.clear();
      await Promise.allSettled(all.map(async (h) => (await h).close()));
    },
  };
}

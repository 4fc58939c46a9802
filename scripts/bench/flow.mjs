// What one `up` or `destroy` had to wait for, from the sandbox's journal, the Azure emulator's
// operation records and the command's own `--json` events; and how it polled.
//
// How things are counted:
// - A call is busy on the server from its arrival to its answer (the journal's durationMs: the
//   profile's latency plus the emulator's own work). A call that starts a long-running operation
//   is busy until the operation is due to finish (azure.json's expectedDoneAt): the VM's 45-60 s
//   (scaled) count in full. The polls inside count once (intervals are merged); the poll that sees
//   the end and the SDK's GET after it count as the calls they are. How long after the end the
//   client polls is not counted: that is what wall / chain measures.
// - A node's weight is the merged busy time of its calls, in two phases, as the engine runs them:
//   reads (every node's lookup, all at once, then the plan is printed), then writes along the graph.
// - The VM's SSH side has no profile time: vm-ready (provisioning check, SSH wait, cloud-init wait)
//   and vm-setup (configure's SSH steps) count with their measured step times. The SSH wait is
//   reported on its own, so time lost polling for SSH shows there.
// - Sign-in, discovery, the caller's identity and the what-is-my-IP check are shared by every
//   node's reads: their merged busy time comes before the slowest node's reads in the chain.
// - chain = shared reads + the slowest node's reads + the longest path of write weights through
//   the graph's `needs`; sum = every node's weight plus the shared reads.

/** Who makes each call: `up` node ids and destroy record kinds, by journal operation or ARM path. */
const OWNERS = [
  { nodes: ["oidc-provider"], kind: "iam-oidc-provider", op: /OpenIDConnectProvider|^ListRoles$/ },
  {
    nodes: ["role-policies"],
    kind: "iam-role-policy-attachment",
    op: /^(Attach|Detach)RolePolicy$|^ListAttachedRolePolicies$|^GetPolicy$/,
  },
  { nodes: ["iam-role"], kind: "iam-role", op: /Role$|RoleTags$|RolePolic(y|ies)$|AssumeRolePolicy$/ },
  { nodes: ["ssm-parameter"], kind: "ssm-parameter", service: /^ssm$/ },
  { nodes: ["resource-group"], kind: "azure-resource-group", arm: /\/resourcegroups\/[^/]+(\/resources)?$/ },
  { nodes: ["managed-identity"], kind: "azure-user-assigned-identity", arm: /\/userassignedidentities\/[^/]+$/ },
  { nodes: ["subnet"], kind: "azure-subnet", arm: /\/subnets\/[^/]+$/ },
  { nodes: ["virtual-network"], kind: "azure-virtual-network", arm: /\/virtualnetworks\/[^/]+$/ },
  { nodes: ["public-ip"], kind: "azure-public-ip", arm: /\/publicipaddresses\/[^/]+$/ },
  { nodes: ["network-security-group"], kind: "azure-network-security-group", arm: /\/networksecuritygroups\/[^/]+$/ },
  { nodes: ["network-interface"], kind: "azure-network-interface", arm: /\/networkinterfaces\/[^/]+$/ },
  { nodes: ["ssh-key"], kind: "azure-ssh-public-key", arm: /\/sshpublickeys\/[^/]+$/ },
  // The VM's GETs after its creation are vm-ready's provisioning check: the step window decides.
  {
    nodes: ["vm-ready", "virtual-machine"],
    kind: "azure-virtual-machine",
    arm: /\/virtualmachines\/[^/]+(\/instanceview)?$/,
  },
  // The VM asks its metadata service (and STS) while configure's steps run on it.
  { nodes: ["vm-setup"], kind: "vm-setup", service: /^imds@/, op: /^AssumeRoleWithWebIdentity$/ },
];
const SHARED = /^(Token|TokenV1|OpenIdConfigurationV[12]|DiscoveryKeys(V2)?|GetCallerIdentity|CheckIp)$/;
const POLL = /^Operation(Status|Results)_Get$/;
/** Nodes whose work is mostly over SSH, which the journal does not see: they count as measured. */
const MEASURED = new Set(["vm-ready", "vm-setup"]);

// The SDK sends some deletions with a doubled leading slash.
const lower = (path) => path.split("?")[0].replace(/\/+/g, "/").toLowerCase();
const pollId = (entry) => entry.path.split("?")[0].split("/").at(-1);

/** Merged length of intervals [start, end]. */
function merged(intervals) {
  let total = 0;
  let reach = -Infinity;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/** Node id → [start, end] windows of its steps, from the `--json` events. */
function stepWindows(events) {
  const open = new Map();
  const windows = new Map();
  for (const e of events) {
    if (e.type !== "step" || !e.node) continue;
    const key = `${e.node}\u0000${e.title}`;
    const at = Date.parse(e.time);
    if (e.status === "start") open.set(key, at);
    else if (open.has(key)) {
      const list = windows.get(e.node) ?? [];
      list.push([open.get(key), at]);
      windows.set(e.node, list);
      open.delete(key);
    }
  }
  return windows;
}

function ownerOf(entry, operations) {
  const target = POLL.test(entry.operation) ? operations.get(pollId(entry))?.target : lower(entry.path);
  return OWNERS.find(
    (o) =>
      (o.op?.test(entry.operation) ?? false) ||
      (o.service?.test(entry.service) ?? false) ||
      (entry.service === "arm" && target !== undefined && (o.arm?.test(target) ?? false)),
  );
}

/**
 * Attributes every call to a node of `graph` (or to the shared reads); throws on a call nobody
 * owns, so a new kind of call cannot silently drop out of the chain.
 */
function attribute(calls, graph, windows, operations) {
  const byKey = new Map(graph.map((n) => [n.key, n]));
  const owned = [];
  for (const entry of calls) {
    if (SHARED.test(entry.operation)) {
      owned.push({ entry, node: null });
      continue;
    }
    const owner = ownerOf(entry, operations);
    if (!owner) throw new Error(`bench: no node owns ${entry.service} ${entry.operation} ${entry.path}`);
    const candidates = (byKey.has(owner.kind) ? [owner.kind] : owner.nodes)
      .map((key) => byKey.get(key))
      .filter(Boolean);
    if (!candidates.length) throw new Error(`bench: ${entry.operation} belongs to no node of this graph`);
    const at = Date.parse(entry.time);
    const inWindow = candidates.find((n) => (windows.get(n.id) ?? []).some(([s, e]) => s <= at && at <= e));
    owned.push({ entry, node: (inWindow ?? candidates.at(-1)).id });
  }
  return owned;
}

/** The call's busy interval on the server; a long-running operation's start lasts until it is due. */
function busy(entry, operations) {
  const start = Date.parse(entry.time);
  let end = start + entry.durationMs;
  if (entry.write && entry.service === "arm") {
    const target = lower(entry.path);
    for (const op of operations.values()) {
      const began = Date.parse(op.startedAt);
      if (op.target === target && began >= start - 5 && began <= end + 5)
        end = Math.max(end, Date.parse(op.expectedDoneAt));
    }
  }
  return [start, end];
}

function longestPath(graph, weight) {
  const memo = new Map();
  const byId = new Map(graph.map((n) => [n.id, n]));
  const finish = (node) => {
    if (!memo.has(node.id)) {
      const before = node.needs.map((id) => byId.get(id)).filter(Boolean);
      const prior = before.map((n) => finish(n)).sort((a, b) => b.ms - a.ms)[0] ?? { ms: 0, path: [] };
      const own = weight(node.id);
      memo.set(node.id, { ms: prior.ms + own, path: own > 0 ? [...prior.path, node.id] : prior.path });
    }
    return memo.get(node.id);
  };
  return graph.map(finish).sort((a, b) => b.ms - a.ms)[0] ?? { ms: 0, path: [] };
}

/** The Retry-After (in ms) an answer asked for; 0 when it asked none or headers were not journaled. */
function retryAfterMs(entry) {
  const headers = entry.response?.headers ?? {};
  const name = Object.keys(headers).find((h) => h.toLowerCase() === "retry-after");
  return name === undefined ? 0 : Number(headers[name]) * 1000;
}

/**
 * Polls of each long-running operation: the most per second (over consecutive polls) and the polls
 * that came before the previous answer's Retry-After.
 */
export function pollStats(calls) {
  const byOp = new Map();
  for (const e of calls.filter((c) => POLL.test(c.operation))) {
    byOp.set(pollId(e), [...(byOp.get(pollId(e)) ?? []), e]);
  }
  let maxPerSecond = 0;
  let early = 0;
  for (const polls of byOp.values()) {
    polls.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (let i = 1; i < polls.length; i++) {
      const gap = Date.parse(polls[i].time) - Date.parse(polls[i - 1].time);
      maxPerSecond = Math.max(maxPerSecond, 1000 / Math.max(gap, 1));
      const asked = retryAfterMs(polls[i - 1]);
      if (gap + 1 < asked) early++;
    }
  }
  return { operations: byOp.size, polls: [...byOp.values()].reduce((n, p) => n + p.length, 0), maxPerSecond, early };
}

/**
 * The chain and sum of one run. `calls`: its journal entries; `operations`: azure.json's
 * operations by id; `events`: its `--json` events; `graph`: [{ id, needs, key }].
 */
export function analyse({ calls, operations, events, graph }) {
  const windows = stepWindows(events);
  const planAt = Date.parse(events.find((e) => e.type === "plan")?.time ?? "");
  const summary = events.find((e) => e.type === "summary");
  const owned = attribute(calls, graph, windows, operations);
  const reads = new Map();
  const writes = new Map();
  const shared = [];
  for (const { entry, node } of owned) {
    const interval = busy(entry, operations);
    if (node === null) {
      if (interval[0] < planAt) shared.push(interval);
      continue;
    }
    const phase = interval[0] < planAt ? reads : writes;
    phase.set(node, [...(phase.get(node) ?? []), interval]);
  }
  const measured = new Map();
  for (const change of summary?.changes ?? []) {
    if (MEASURED.has(change.node)) measured.set(change.node, (measured.get(change.node) ?? 0) + change.ms);
  }
  const readMs = (id) => merged(reads.get(id) ?? []);
  const writeMs = (id) => Math.max(merged(writes.get(id) ?? []), measured.get(id) ?? 0);
  const sharedMs = merged(shared);
  const slowestRead = Math.max(0, ...graph.map((n) => readMs(n.id)));
  const path = longestPath(graph, writeMs);
  const sum = sharedMs + graph.reduce((total, n) => total + readMs(n.id) + writeMs(n.id), 0);
  const sshWait = events.find((e) => e.type === "step" && e.status === "ok" && /^wait for SSH/.test(e.title));
  return {
    chain: sharedMs + slowestRead + path.ms,
    sum,
    path: path.path,
    readsMs: sharedMs + slowestRead,
    sshWaitMs: sshWait?.ms ?? 0,
    polls: pollStats(calls),
  };
}

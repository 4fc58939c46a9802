import type { SshPublicKey } from "../../cloud/azure/vm-ports.js";
import type { Config } from "../../config/schema.js";
import type { ApplyContext, ResourceNode, Step } from "../../engine/node.js";
import { later } from "../../engine/known-after-apply.js";
import { generateOpenSshKey } from "../../remote/openssh-keygen.js";
import { keyMissing, keyPathOf, readKeyFile, writeKeyFile, type LocalKey } from "../../remote/key-file.js";
import { createWithIntent, recordCreated, type Intent } from "../intent.js";
import { resourceGroup } from "../resource-group.js";
import { ownershipOf } from "../tags.js";
import { armId } from "./arm-ids.js";
import { keepStep, vmLayerRecord } from "./azure-node.js";

const KIND = "azure-ssh-public-key";
const ID = "ssh-key";

export interface SshKeyObserved {
  readonly local: LocalKey | undefined;
  readonly azure: SshPublicKey | undefined;
}

export interface SshKeyOutputs {
  readonly id: string;
  readonly keyPath: string;
  /** `ssh-ed25519 AAAA…`, without a comment. */
  readonly publicKey: string;
}

/** Azure keeps what it is given, comment included: compare the key itself. */
const keyOf = (line: string | undefined) => (line ?? "").trim().split(/\s+/).slice(0, 2).join(" ");

const attributes = (c: Config, keyPath: string, key: Pick<LocalKey, "type" | "publicKey">) => ({
  name: c.azure.vm.sshKeyName,
  resourceGroup: c.azure.resourceGroup,
  keyPath,
  keyType: key.type,
  publicKey: key.publicKey,
});

/** Stores the public key in Azure (intent first), the private key being on disk already. */
async function storeInAzure(ctx: ApplyContext, keyPath: string, key: Pick<LocalKey, "type" | "publicKey">) {
  const { config } = ctx;
  const { sshKeyName } = config.azure.vm;
  const expectedId = armId(config, "Microsoft.Compute/sshPublicKeys", sshKeyName);
  const attrs = attributes(config, keyPath, key);
  const intent: Intent = { kind: KIND, layer: "vm", node: ID, id: expectedId, attributes: attrs };
  const created = await createWithIntent(ctx.store, intent, async () =>
    (await ctx.ports.compute()).createSshKey(
      config.azure.resourceGroup,
      sshKeyName,
      config.azure.location,
      `${key.publicKey} oidc-bridge`,
      ctx.tags,
    ),
  );
  await recordCreated(ctx.store, expectedId, vmLayerRecord(KIND, ID, created.id, true, attrs));
  return { id: created.id, keyPath, publicKey: key.publicKey };
}

/**
 * The admin's SSH key: made here (Ed25519, or RSA 4096), the private half 0600 in the state
 * folder and never printed, the public half a Microsoft.Compute/sshPublicKeys resource.
 */
export const sshKey: ResourceNode<SshKeyObserved, SshKeyOutputs> = {
  id: ID,
  layer: "vm",
  needs: [resourceGroup.id],

  async lookup({ config, ports, stateDir }) {
    const [local, azure] = await Promise.all([
      readKeyFile(keyPathOf(stateDir, config.azure.vm.sshKeyName)),
      ports.compute().then((c) => c.getSshKey(config.azure.resourceGroup, config.azure.vm.sshKeyName)),
    ]);
    return { local, azure };
  },

  plan({ local, azure }, { config, state, stateDir }) {
    const keyPath = keyPathOf(stateDir, config.azure.vm.sshKeyName);
    const resource = `SSH key ${config.azure.vm.sshKeyName}`;
    // The VM accepts only the key it was made with; a new one cannot stand in for a lost one.
    if (!local && azure) throw keyMissing(keyPath);
    if (!local) {
      const type = config.azure.vm.keyType;
      const step: Step<SshKeyOutputs> = {
        kind: "create",
        resource,
        reason: `no key yet: a new ${type === "rsa" ? "RSA 4096" : "Ed25519"} key, private half in ${keyPath} (0600), public half in Azure`,
        async apply(ctx) {
          const made = generateOpenSshKey(type, "oidc-bridge");
          // On disk before Azure hears of it: a crash in between leaves a key to use, not a lost one.
          await writeKeyFile(keyPath, made.privateKey);
          return storeInAzure(ctx, keyPath, { type, publicKey: keyOf(made.publicKey) });
        },
      };
      return { outputs: { id: later("SSH key id"), keyPath, publicKey: later("public key") }, steps: [step] };
    }
    if (!azure) {
      const step: Step<SshKeyOutputs> = {
        kind: "create",
        resource,
        reason: `not found in Azure: the public half of ${keyPath}`,
        apply: (ctx) => storeInAzure(ctx, keyPath, local),
      };
      return { outputs: { id: later("SSH key id"), keyPath, publicKey: local.publicKey }, steps: [step] };
    }
    const outputs = { id: azure.id, keyPath, publicKey: local.publicKey };
    const notes = [
      ...(keyOf(azure.publicKey) === local.publicKey
        ? []
        : [`Azure holds another public key than ${keyPath}; the VM gets the key of that file`]),
      ...(local.type === config.azure.vm.keyType
        ? []
        : [`the key is ${local.type}; the key type applies to a new key only`]),
    ];
    const note = notes.length ? `; ${notes.join("; ")}` : "";
    const owner = ownershipOf(state.find(KIND, azure.id), azure.tags, state.deploymentId);
    const record = () => vmLayerRecord(KIND, ID, azure.id, owner.createdByUs, attributes(config, keyPath, local));
    return { outputs, steps: [keepStep(owner, resource, note, record)] };
  },

  fromState(state) {
    const record = state.records(KIND, "vm").find((r) => r.status === "ready");
    if (!record) return undefined;
    return { id: record.id, keyPath: record.attributes.keyPath, publicKey: record.attributes.publicKey };
  },
};

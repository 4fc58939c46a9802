import { fail, ok } from "./arm-body.js";
import { resourceTable } from "./arm-tracked.js";
import { COMPUTE_API_VERSIONS, invalidParameter, SSH_KEY_TYPE } from "./compute-common.js";
import { objectAt } from "./network-common.js";
import { checkSshPublicKey } from "./ssh-public-key.js";

/**
 * Microsoft.Compute/sshPublicKeys (fixture sshpublickey-create.json): synchronous. A given public
 * key must be ssh-ed25519, or ssh-rsa of at least 2048 bits (the rule for Linux VMs); a resource
 * without a key is allowed, as Azure lets one be generated later.
 */

interface SshKeyData {
  publicKey?: string;
}

export const sshPublicKeysTable = resourceTable<SshKeyData, SshKeyData>({
  type: SSH_KEY_TYPE,
  apiVersions: COMPUTE_API_VERSIONS,
  versionError: "provider",
  scope: "resourceGroup",
  operations: {
    put: "SshPublicKeys_Create",
    get: "SshPublicKeys_Get",
    patch: "SshPublicKeys_Update",
    delete: "SshPublicKeys_Delete",
    listByParent: "SshPublicKeys_ListByResourceGroup",
    listBySubscription: "SshPublicKeys_ListBySubscription",
  },
  lro: { put: "sync", delete: "sync" },
  tracked: true,

  parse: (_name, body, req) => {
    const key = objectAt(body.properties).publicKey;
    if (key === undefined || key === null) return ok({});
    if (typeof key !== "string" || !checkSshPublicKey(key).ok)
      return fail(invalidParameter(req.operation, "publicKey"));
    return ok({ publicKey: key });
  },
  build: (input) => ok(input),
  view: (key) => ({
    name: key.name,
    location: key.location,
    id: key.id,
    ...(key.tags ? { tags: key.tags } : {}),
    properties: { ...(key.data.publicKey ? { publicKey: key.data.publicKey } : {}) },
  }),
});

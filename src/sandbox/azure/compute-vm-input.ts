import type { SandboxResponse } from "../harness/types.js";
import { fail, ok, type Parsed } from "./arm-body.js";
import { armError } from "./arm-errors.js";
import type { ArmRequest } from "./arm-types.js";
import { invalidParameter, requiredParameter } from "./compute-common.js";
import { cannotParse, objectAt, readRef, readStrings } from "./network-common.js";
import { checkSshPublicKey } from "./ssh-public-key.js";

/**
 * The checks CRP makes on a VM PUT body before anything runs, with its codes (InvalidParameter
 * with `target`) and, where public error reports show them, its messages. Reads a Linux VM built
 * from a platform image with managed disks: the kind oidc-bridge creates.
 */

export interface VmInput {
  vmSize: string;
  zones?: string[];
  imageReference: Record<string, unknown>;
  osDisk: {
    name?: string;
    caching: string;
    createOption: string;
    storageAccountType: string;
    diskSizeGB?: number;
    /** Absent in records made before the sandbox kept it. */
    deleteOption?: "Delete" | "Detach";
  };
  computerName?: string;
  adminUsername: string;
  disablePasswordAuthentication: boolean;
  hasPassword: boolean;
  sshPublicKeys: Array<{ path: string; keyData: string }>;
  customData?: string;
  userData?: string;
  nics: Array<{ id: string; primary?: boolean; deleteOption?: string }>;
  identity?: { type: string; userAssigned: string[] };
  diagnosticsProfile?: Record<string, unknown>;
  securityProfile?: Record<string, unknown>;
}

/**
 * Names Azure refuses for the admin account of a VM (Microsoft's Linux VM FAQ, plus "sa" added to
 * that list in 2023).
 */
const RESERVED_ADMIN_NAMES = new Set([
  "administrator",
  "admin",
  "user",
  "user1",
  "test",
  "user2",
  "test1",
  "user3",
  "admin1",
  "1",
  "123",
  "a",
  "actuser",
  "adm",
  "admin2",
  "aspnet",
  "backup",
  "console",
  "david",
  "guest",
  "john",
  "owner",
  "root",
  "server",
  "sql",
  "support",
  "support_388945a0",
  "sys",
  "test2",
  "test3",
  "user4",
  "user5",
  "sa",
]);
const LINUX_NAME_FORBIDDEN = /[\\/"[\]:|<>+=;,?*@&\s]/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IDENTITY_TYPES = ["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"];

export function parseVmBody(body: Record<string, unknown>, req: ArmRequest): Parsed<VmInput> {
  const op = req.operation;
  const p = objectAt(body.properties);
  const bad = (response: SandboxResponse): Parsed<VmInput> => fail(response);

  const vmSize = objectAt(p.hardwareProfile).vmSize;
  if (typeof vmSize !== "string" || vmSize === "") return bad(requiredParameter(op, "hardwareProfile.vmSize"));
  const storage = objectAt(p.storageProfile);
  const image = storage.imageReference;
  if (image === undefined || image === null) return bad(requiredParameter(op, "storageProfile.imageReference"));
  const osDiskRaw = objectAt(storage.osDisk);
  const createOption = osDiskRaw.createOption ?? "FromImage";
  if (createOption !== "FromImage") {
    // The sandbox builds VMs from platform images only.
    return bad(
      invalidParameter(
        op,
        "storageProfile.osDisk.createOption",
        "The sandbox creates VMs from images only (createOption 'FromImage').",
      ),
    );
  }
  const diskSize = osDiskRaw.diskSizeGB;
  // Azure's default is Detach: the disk outlives the VM unless the caller asks otherwise.
  const deleteOption = osDiskRaw.deleteOption ?? "Detach";
  if (deleteOption !== "Delete" && deleteOption !== "Detach") {
    return bad(
      invalidParameter(
        op,
        "storageProfile.osDisk.deleteOption",
        `The value '${typeof deleteOption === "string" ? deleteOption : JSON.stringify(deleteOption)}' of parameter 'deleteOption' is not allowed. Allowed values are 'Delete', 'Detach'.`,
      ),
    );
  }

  const os = objectAt(p.osProfile);
  if (p.osProfile === undefined) return bad(requiredParameter(op, "osProfile"));
  const adminUsername = os.adminUsername;
  if (typeof adminUsername !== "string" || adminUsername === "")
    return bad(requiredParameter(op, "osProfile.adminUsername"));
  if (RESERVED_ADMIN_NAMES.has(adminUsername.toLowerCase())) {
    return bad(invalidParameter(op, "adminUsername", "The Admin Username specified is not allowed."));
  }
  if (adminUsername.length > 64 || adminUsername.endsWith(".") || LINUX_NAME_FORBIDDEN.test(adminUsername)) {
    return bad(
      invalidParameter(
        op,
        "adminUsername",
        "Linux admin user name cannot be longer than 64 characters, end with a period(.), or contain the following " +
          "characters: \\ / \" [ ] : | < > + = ; , ? * @ & ~ ! # $ % ^ ( ) { } ' or whitespace.",
      ),
    );
  }
  const linux = objectAt(os.linuxConfiguration);
  const disablePassword = linux.disablePasswordAuthentication === true;
  const password = os.adminPassword;
  const rawKeys = objectAt(linux.ssh).publicKeys ?? [];
  if (!Array.isArray(rawKeys))
    return bad(cannotParse(req, "properties.osProfile.linuxConfiguration.ssh.publicKeys", rawKeys, "List`1"));
  const keys: Array<{ path: string; keyData: string }> = [];
  for (const raw of rawKeys) {
    const key = objectAt(raw);
    const path = key.path;
    if (typeof path !== "string" || path !== `/home/${adminUsername}/.ssh/authorized_keys`) {
      return bad(invalidParameter(op, "linuxConfiguration.ssh.publicKeys.path"));
    }
    if (typeof key.keyData !== "string" || !checkSshPublicKey(key.keyData).ok) {
      return bad(invalidParameter(op, "linuxConfiguration.ssh.publicKeys.keyData"));
    }
    keys.push({ path, keyData: key.keyData });
  }
  if (disablePassword && keys.length === 0) {
    return bad(
      invalidParameter(
        op,
        "linuxConfiguration",
        "Authentication using either SSH or by user name and password must be enabled in Linux profile.",
      ),
    );
  }
  if (!disablePassword && (typeof password !== "string" || password === ""))
    return bad(requiredParameter(op, "adminPassword"));
  if (typeof password === "string" && password !== "" && !complexEnough(password)) {
    return bad(
      invalidParameter(
        op,
        "adminPassword",
        "The supplied password must be between 6-72 characters long and must satisfy at least 3 of password " +
          "complexity requirements from the following: 1) Contains an uppercase character 2) Contains a lowercase " +
          "character 3) Contains a numeric digit 4) Contains a special character 5) Control characters are not allowed",
      ),
    );
  }
  for (const [member, value] of [
    ["customData", os.customData],
    ["userData", p.userData],
  ] as const) {
    if (value !== undefined && value !== null && (typeof value !== "string" || !BASE64.test(value))) {
      // The target is CRP's; the wording the sandbox's.
      return bad(
        invalidParameter(op, member, `The value of parameter ${member} is invalid: it must be base64-encoded.`),
      );
    }
  }

  const nicsRaw = objectAt(p.networkProfile).networkInterfaces;
  if (!Array.isArray(nicsRaw) || nicsRaw.length === 0)
    return bad(requiredParameter(op, "networkProfile.networkInterfaces"));
  const nics: VmInput["nics"] = [];
  for (const [i, raw] of nicsRaw.entries()) {
    const id = readRef(raw);
    if (!id)
      return bad(cannotParse(req, `properties.networkProfile.networkInterfaces[${i}].id`, objectAt(raw).id, "String"));
    const np = objectAt(objectAt(raw).properties);
    nics.push({
      id,
      ...(typeof np.primary === "boolean" ? { primary: np.primary } : {}),
      ...(typeof np.deleteOption === "string" ? { deleteOption: np.deleteOption } : {}),
    });
  }
  if (nics.length > 1 && nics.filter((n) => n.primary === true).length !== 1) {
    return bad(
      invalidParameter(
        op,
        "networkProfile.networkInterfaces",
        "Virtual Machine must have exactly one primary Network Interface.",
      ),
    );
  }

  const identity = parseIdentity(body.identity, req);
  if (!identity.ok) return identity;
  const zones = readStrings(body.zones);
  if (zones === false) return bad(cannotParse(req, "zones", body.zones, "List`1"));

  return ok({
    vmSize,
    ...(zones ? { zones } : {}),
    imageReference: objectAt(image),
    osDisk: {
      ...(typeof osDiskRaw.name === "string" ? { name: osDiskRaw.name } : {}),
      caching: typeof osDiskRaw.caching === "string" ? osDiskRaw.caching : "ReadWrite",
      createOption: "FromImage",
      storageAccountType:
        typeof objectAt(osDiskRaw.managedDisk).storageAccountType === "string"
          ? String(objectAt(osDiskRaw.managedDisk).storageAccountType)
          : "Premium_LRS",
      ...(typeof diskSize === "number" ? { diskSizeGB: diskSize } : {}),
      deleteOption,
    },
    ...(typeof os.computerName === "string" ? { computerName: os.computerName } : {}),
    adminUsername,
    disablePasswordAuthentication: disablePassword,
    hasPassword: typeof password === "string" && password !== "",
    sshPublicKeys: keys,
    ...(typeof os.customData === "string" ? { customData: os.customData } : {}),
    ...(typeof p.userData === "string" ? { userData: p.userData } : {}),
    nics,
    ...(identity.value ? { identity: identity.value } : {}),
    ...(p.diagnosticsProfile ? { diagnosticsProfile: objectAt(p.diagnosticsProfile) } : {}),
    ...(p.securityProfile ? { securityProfile: objectAt(p.securityProfile) } : {}),
  });
}

function parseIdentity(raw: unknown, req: ArmRequest): Parsed<VmInput["identity"]> {
  if (raw === undefined || raw === null) return ok(undefined);
  const identity = objectAt(raw);
  const type = IDENTITY_TYPES.find(
    (t) => t.replace(/\s/g, "").toLowerCase() === String(identity.type).replace(/\s/g, "").toLowerCase(),
  );
  if (!type) return fail(cannotParse(req, "identity.type", identity.type, "ResourceIdentityType"));
  const userAssigned = Object.keys(objectAt(identity.userAssignedIdentities));
  if (type.includes("UserAssigned") && userAssigned.length === 0) {
    // Invented wording; the target is CRP's name for the list.
    return fail(
      invalidParameter(
        req.operation,
        "resourceIdentity.identityIds",
        `ResourceIdentity identityIds must be provided if the type is "${type}".`,
      ),
    );
  }
  if (!type.includes("UserAssigned") && userAssigned.length > 0) {
    return fail(
      invalidParameter(
        req.operation,
        "resourceIdentity.identityIds",
        `ResourceIdentity identityIds should not be provided if the type is "${type}".`,
      ),
    );
  }
  return ok({ type, userAssigned });
}

/** 6–72 characters, three of: upper case, lower case, digit, special; no control characters. */
function complexEnough(password: string): boolean {
  if (password.length < 6 || password.length > 72 || /\p{Cc}/u.test(password)) return false;
  const classes = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

export function operationNotAllowed(req: ArmRequest, vmName: string): SandboxResponse {
  return armError(
    409,
    "OperationNotAllowed",
    `Operation '${req.method === "PATCH" ? "Update" : "CreateOrUpdate"}' is not allowed on VM '${vmName}' since the VM ` +
      "is marked for deletion. You can only retry the Delete operation (or wait for an ongoing one to complete).",
    req.operation,
  );
}

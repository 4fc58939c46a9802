import { ConstraintCheck } from "./errors.js";
import { paginate, type QueryOperation } from "./iam-common.js";
import { roleXml } from "./iam-roles.js";
import { ACCOUNT_ID, PARTITION } from "./state.js";

/**
 * ListRoles: every role whose path starts with PathPrefix, paged with Marker/MaxItems, each with
 * its trust policy URL-encoded as submitted. Ordered by name regardless of case (**invented**: IAM
 * documents no order, only that paging is stable).
 */
export const listRolesOperations: Record<string, QueryOperation> = {
  ListRoles: {
    write: false,
    resource: () => `arn:${PARTITION}:iam::${ACCOUNT_ID}:role/*`,
    run: ({ state, input }) => {
      const prefix = input.str("PathPrefix") ?? "/";
      const check = new ConstraintCheck();
      check.length(prefix, "pathPrefix", 1, 512);
      check.pattern(prefix, "pathPrefix", /^\/[\u0021-\u007F]*$/, "\\u002F[\\u0021-\\u007F]*");
      const roles = Object.values(state.roles)
        .filter((r) => r.path.startsWith(prefix))
        .map((r) => ({ r, key: r.roleName.toLowerCase() }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map(({ r }) => r);
      check.throwIfAny();
      const { page, IsTruncated, Marker } = paginate(roles, input);
      return { result: { Roles: page.map((r) => roleXml(r, false, false, true)), IsTruncated, Marker } };
    },
  },
};

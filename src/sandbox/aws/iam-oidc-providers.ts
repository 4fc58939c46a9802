import { AwsApiError, ConstraintCheck } from "./errors.js";
import {
  checkTagKeysAllowed,
  checkTags,
  sortedTagsXml,
  type QueryOpContext,
  type QueryOperation,
} from "./iam-common.js";
import { fetchJwksUri } from "./idp-fetch.js";
import { fetchIdpThumbprint, isLoopbackHost } from "./idp-thumbprint.js";
import { taggingOperations } from "./iam-tagging.js";
import type { QueryInput } from "./query-protocol.js";
import { ACCOUNT_ID, PARTITION, type AwsState, type OidcProviderRecord } from "./state.js";

/** IAM OpenID Connect identity providers: the trust anchor AssumeRoleWithWebIdentity checks. */

const MAX_PROVIDERS = 100;
const MAX_CLIENT_IDS = 100;
const MAX_THUMBPRINTS = 5;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function providerArn(urlWithoutScheme: string): string {
  return `arn:${PARTITION}:iam::${ACCOUNT_ID}:oidc-provider/${urlWithoutScheme}`;
}

const INVALID_URL = "Invalid Open ID Connect Provider URL";

/**
 * Checks a provider URL as IAM does and returns it without the scheme (the form IAM stores, puts
 * in the ARN and in condition keys). Something that is not a URL at all fails IAM's request
 * validation (ValidationError); a URL of the wrong kind is InvalidInput. A port is refused except
 * on a loopback host: the sandbox's own issuer listens on 127.0.0.1:<port>, which real AWS could
 * never reach anyway.
 */
export function normaliseProviderUrl(url: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url);
  if (!scheme) throw new AwsApiError("ValidationError", 400, INVALID_URL);
  if (scheme[0] !== "https://")
    throw new AwsApiError("InvalidInput", 400, `${INVALID_URL}. The URL must begin with https://.`);
  const match = /^https:\/\/([^/?#]*)([^?#]*)(.*)$/.exec(url);
  const [, authority = "", path = "", rest = ""] = match ?? [];
  if (authority === "") throw new AwsApiError("ValidationError", 400, INVALID_URL);
  const invalid = (): AwsApiError => new AwsApiError("InvalidInput", 400, `${INVALID_URL}.`);
  if (rest !== "" || authority.includes("@")) throw invalid();
  const portMatch = /^(.*?)(?::(\d*))?$/.exec(authority);
  const host = portMatch?.[1] ?? authority;
  if (portMatch?.[2] !== undefined && !LOOPBACK_HOSTS.has(host.toLowerCase())) throw invalid();
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)$/.test(host)) throw invalid();
  return authority + path;
}

function checkThumbprints(check: ConstraintCheck, thumbprints: readonly string[] | undefined): void {
  check.members(thumbprints, "thumbprintList", { min: 40, max: 40 });
}

function checkThumbprintContent(thumbprints: readonly string[]): void {
  // IAM's own wording, though five are accepted (AWS error seen in terraform-aws-eks#2632).
  if (thumbprints.length > MAX_THUMBPRINTS) {
    throw new AwsApiError("InvalidInput", 400, `Thumbprint list must contain fewer than ${MAX_THUMBPRINTS} entries.`);
  }
  for (const t of thumbprints) {
    if (!/^[0-9a-fA-F]{40}$/.test(t)) {
      throw new AwsApiError("InvalidInput", 400, `Thumbprint ${t} is not a valid SHA-1 hex string of 40 characters.`);
    }
  }
}

function checkClientIds(check: ConstraintCheck, clientIds: readonly string[] | undefined): void {
  check.members(clientIds, "clientIDList", { min: 1, max: 255 });
}

/** `check` carries the operation's other member checks: AWS reports every invalid member at once. */
function checkProviderArn(check: ConstraintCheck, input: QueryInput): void {
  const arn = input.str("OpenIDConnectProviderArn");
  if (check.required(arn, "openIDConnectProviderArn")) check.length(arn, "openIDConnectProviderArn", 20, 2048);
}

/** The provider ARN member, model-validated with the operation's other members, then its form. */
function providerArnInput(input: QueryInput, check = new ConstraintCheck()): string {
  checkProviderArn(check, input);
  check.throwIfAny();
  const value = input.str("OpenIDConnectProviderArn") as string;
  if (!/^arn:[a-z-]+:iam::\d{12}:oidc-provider\/.+$/.test(value)) {
    throw new AwsApiError("InvalidInput", 400, `ARN ${value} is not valid.`);
  }
  return value;
}

function requireProvider(
  state: AwsState,
  input: QueryInput,
  check = new ConstraintCheck(),
): [string, OidcProviderRecord] {
  const value = providerArnInput(input, check);
  const provider = state.oidcProviders[value];
  if (!provider) throw new AwsApiError("NoSuchEntity", 404, `OpenIDConnect Provider not found for arn ${value}`);
  return [value, provider];
}

function clientIdInput(input: QueryInput, check: ConstraintCheck): string | undefined {
  const clientId = input.str("ClientID");
  if (check.required(clientId, "clientID")) check.length(clientId, "clientID", 1, 255);
  return clientId;
}

/**
 * The thumbprints IAM records for a loopback issuer given none: its own host's and, when its
 * discovery document puts the keys on another loopback host, that host's too (STS checks the key
 * host's certificate; Entra keeps its keys on another host than its issuer).
 */
async function loopbackThumbprints(stored: string, caPem: string): Promise<string[]> {
  const issuerHost = new URL(`https://${stored}`);
  const port = (url: URL): number => Number(url.port || 443);
  const found = [await fetchIdpThumbprint(issuerHost.hostname, port(issuerHost), caPem)];
  const keyHost = await fetchJwksUri(`https://${stored}`, caPem).then(
    (uri) => new URL(uri),
    () => undefined,
  );
  if (keyHost && keyHost.host !== issuerHost.host && isLoopbackHost(keyHost.hostname))
    found.push(await fetchIdpThumbprint(keyHost.hostname, port(keyHost), caPem));
  return [...new Set(found)];
}

function arnResource(input: QueryInput): string {
  return input.str("OpenIDConnectProviderArn") ?? "*";
}

export const oidcProviderOperations: Record<string, QueryOperation> = {
  CreateOpenIDConnectProvider: {
    write: true,
    resource: (input) => {
      const url = input.str("Url") ?? "";
      return providerArn(url.replace(/^https:\/\//i, ""));
    },
    run: async ({ state, input, now, caPem }: QueryOpContext) => {
      const url = input.str("Url");
      const clientIds = input.list("ClientIDList") ?? [];
      const given = input.list("ThumbprintList") ?? [];
      const tags = input.tags("Tags") ?? [];
      const check = new ConstraintCheck();
      if (check.required(url, "url")) check.length(url, "url", 1, 255);
      checkClientIds(check, clientIds);
      checkThumbprints(check, given);
      checkTags(check, tags);
      check.throwIfAny();

      const stored = normaliseProviderUrl(url as string);
      if (clientIds.length > MAX_CLIENT_IDS) {
        throw new AwsApiError(
          "LimitExceeded",
          409,
          `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`,
        );
      }
      checkThumbprintContent(given);
      checkTagKeysAllowed(tags);
      const arn = providerArn(stored);
      const refuseDuplicate = (): void => {
        if (state.oidcProviders[arn])
          throw new AwsApiError("EntityAlreadyExists", 409, `Provider with url ${url as string} already exists.`);
      };
      refuseDuplicate();
      let thumbprints = given.map((t) => t.toLowerCase());
      if (thumbprints.length === 0) {
        // Without thumbprints IAM reads the host's chain itself; only loopback hosts are reachable here.
        const authority = stored.split("/")[0] ?? "";
        const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(authority);
        const host = m?.[1] ?? authority;
        if (isLoopbackHost(host)) thumbprints = await loopbackThumbprints(stored, caPem);
        refuseDuplicate();
      }
      if (Object.keys(state.oidcProviders).length >= MAX_PROVIDERS) {
        throw new AwsApiError(
          "LimitExceeded",
          409,
          `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${MAX_PROVIDERS}`,
        );
      }
      state.oidcProviders[arn] = {
        url: stored,
        clientIds: [...new Set(clientIds)],
        thumbprints,
        createDate: new Date(now).toISOString(),
        tags,
      };
      return { result: { OpenIDConnectProviderArn: arn, Tags: tags.length > 0 ? sortedTagsXml(tags) : undefined } };
    },
  },

  GetOpenIDConnectProvider: {
    write: false,
    resource: arnResource,
    run: ({ state, input }) => {
      const [, p] = requireProvider(state, input);
      return {
        result: {
          Url: p.url,
          ClientIDList: p.clientIds,
          ThumbprintList: p.thumbprints,
          CreateDate: new Date(p.createDate),
          Tags: sortedTagsXml(p.tags),
        },
      };
    },
  },

  ListOpenIDConnectProviders: {
    write: false,
    resource: () => `arn:${PARTITION}:iam::${ACCOUNT_ID}:oidc-provider/*`,
    run: ({ state }) => ({
      result: {
        OpenIDConnectProviderList: Object.keys(state.oidcProviders)
          .sort()
          .map((arn) => ({ Arn: arn })),
      },
    }),
  },

  DeleteOpenIDConnectProvider: {
    write: true,
    resource: arnResource,
    run: ({ state, input }) => {
      // Documented as idempotent: deleting a provider that does not exist succeeds.
      delete state.oidcProviders[providerArnInput(input)];
      return {};
    },
  },

  AddClientIDToOpenIDConnectProvider: {
    write: true,
    resource: arnResource,
    run: ({ state, input }) => {
      const check = new ConstraintCheck();
      const clientId = clientIdInput(input, check);
      const [, p] = requireProvider(state, input, check);
      if (!p.clientIds.includes(clientId as string)) {
        if (p.clientIds.length >= MAX_CLIENT_IDS) {
          throw new AwsApiError(
            "LimitExceeded",
            409,
            `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${MAX_CLIENT_IDS}`,
          );
        }
        p.clientIds.push(clientId as string);
      }
      return {};
    },
  },

  RemoveClientIDFromOpenIDConnectProvider: {
    write: true,
    resource: arnResource,
    run: ({ state, input }) => {
      const check = new ConstraintCheck();
      const clientId = clientIdInput(input, check);
      const [, p] = requireProvider(state, input, check);
      // Idempotent as documented: removing an absent client id is not an error.
      p.clientIds = p.clientIds.filter((c) => c !== clientId);
      return {};
    },
  },

  UpdateOpenIDConnectProviderThumbprint: {
    write: true,
    resource: arnResource,
    run: ({ state, input }) => {
      const thumbprints = input.list("ThumbprintList");
      const check = new ConstraintCheck();
      check.required(thumbprints, "thumbprintList");
      checkThumbprints(check, thumbprints);
      const [, p] = requireProvider(state, input, check);
      checkThumbprintContent(thumbprints ?? []);
      p.thumbprints = (thumbprints ?? []).map((t) => t.toLowerCase());
      return {};
    },
  },

  ...taggingOperations({
    entity: "OpenIDConnectProvider",
    quota: "TagsPerOpenIdConnectProvider",
    resource: arnResource,
    checkId: checkProviderArn,
    find: (state, input) => requireProvider(state, input)[1],
  }),
};

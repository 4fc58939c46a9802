import type { Reporter } from "../report/reporter.js";
import type { Config } from "../config/schema.js";
import type { CallerIdentity } from "../cloud/aws/ports.js";
import type { CloudPorts } from "../cloud/ports.js";
import { discover, type Fetcher } from "../oidc/discovery.js";
import { thumbprintOf, type HostThumbprint } from "../oidc/thumbprint.js";
import { userError } from "../errors.js";
import { askPublicAddress } from "./admin-address.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuerFacts {
  readonly tenantId: string;
  /** https://<issuer host>/<tenant>/, exactly as tokens carry it in `iss`. */
  readonly issuer: string;
  /** The issuer without its scheme: IAM's provider URL and the prefix of condition keys. */
  readonly providerUrl: string;
  readonly thumbprints: readonly HostThumbprint[];
}

export interface FactSources {
  /** Base URL of the issuer host, e.g. https://sts.windows.net. */
  readonly issuerHost: string;
  readonly fetch?: Fetcher;
  readonly thumbprint?: (url: string) => Promise<HostThumbprint>;
}

/**
 * Reads that several resources share (who we are in AWS, the tenant's issuer), each made once per
 * run however many nodes ask, so concurrent lookups do not repeat them.
 */
export class Facts {
  private callerRead?: Promise<CallerIdentity>;
  private issuerRead?: Promise<IssuerFacts>;
  private adminRead?: Promise<readonly string[]>;

  constructor(
    private readonly config: Config,
    private readonly ports: CloudPorts,
    private readonly reporter: Reporter,
    private readonly sources: FactSources,
  ) {}

  caller(): Promise<CallerIdentity> {
    return (this.callerRead ??= this.reporter.step("find the AWS account", async () =>
      (await this.ports.sts()).callerIdentity(),
    ));
  }

  issuer(): Promise<IssuerFacts> {
    return (this.issuerRead ??= this.readIssuer());
  }

  /** The CIDRs allowed to reach SSH: the config's, or for "auto" this machine's address, asked once. */
  adminCidrs(): Promise<readonly string[]> {
    return (this.adminRead ??= this.readAdminCidrs());
  }

  private async readAdminCidrs(): Promise<readonly string[]> {
    const given = this.config.adminCidrs;
    if (given !== "auto") return given;
    const url = await this.ports.vm.checkIpUrl(this.config.checkIpUrl);
    const cidr = await this.reporter.step(`ask ${url} for this machine's public address (adminCidrs "auto")`, () =>
      askPublicAddress(url, this.sources.fetch),
    );
    return [cidr];
  }

  private async readIssuer(): Promise<IssuerFacts> {
    const tenantId =
      this.config.azure.tenantId ??
      (await this.reporter.step("find the tenant of the signed-in Azure credential", async () =>
        (await this.ports.signIn()).tenantId(),
      ));
    if (!GUID.test(tenantId)) {
      throw userError(
        "TENANT_INVALID",
        `azure.tenantId: "${tenantId}" is not a GUID`,
        "use the tenant (directory) id, e.g. from `az account show --query tenantId`",
      );
    }
    const issuer = `${this.sources.issuerHost}/${tenantId}/`;
    const discovery = await this.reporter.step(`read OpenID discovery of ${issuer}`, () =>
      discover(issuer, this.sources.fetch),
    );
    const hosts = [discovery.jwksUri, issuer]
      .map((u) => new URL(u))
      .filter((u, i, all) => all.findIndex((o) => o.host === u.host) === i);
    const read = this.sources.thumbprint ?? thumbprintOf;
    const thumbprints = await this.reporter.step(
      `read TLS thumbprints of ${hosts.map((h) => h.host).join(" and ")}`,
      () => Promise.all(hosts.map((h) => read(h.href))),
    );
    return { tenantId, issuer, providerUrl: issuer.replace(/^https:\/\//, ""), thumbprints };
  }
}

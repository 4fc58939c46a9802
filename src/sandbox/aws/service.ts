import type { SandboxRequest, SandboxResponse, SandboxService, ServiceContext } from "../harness/types.js";
import { IAM_API, S3_API, SSM_API, STS_API } from "./apis.js";
import { LATENCY_MS } from "./latency.js";
import { rolePropagationMs } from "./propagation.js";
import { handleAwsRequest, injectedFault } from "./pipeline.js";
import { loadAwsState } from "./state.js";

/**
 * The AWS side of the sandbox: IAM and STS (query protocol), SSM (JSON 1.1) and S3 (REST-XML),
 * each on its own listener, sharing one account state. Every request is authenticated with SigV4 against the key
 * generated on first start (or temporary credentials STS issued), except the calls AWS itself
 * accepts unsigned.
 */

interface Listener {
  handle(req: SandboxRequest, ctx: ServiceContext): Promise<SandboxResponse>;
  fault(status: 429 | 500 | 503): SandboxResponse;
}

const LISTENERS: Readonly<Record<string, Listener>> = {
  iam: { handle: (req, ctx) => handleAwsRequest(IAM_API, req, ctx), fault: (status) => injectedFault(IAM_API, status) },
  sts: { handle: (req, ctx) => handleAwsRequest(STS_API, req, ctx), fault: (status) => injectedFault(STS_API, status) },
  ssm: { handle: (req, ctx) => handleAwsRequest(SSM_API, req, ctx), fault: (status) => injectedFault(SSM_API, status) },
  s3: { handle: (req, ctx) => handleAwsRequest(S3_API, req, ctx), fault: (status) => injectedFault(S3_API, status) },
};

function listener(name: string): Listener {
  const found = LISTENERS[name];
  if (!found) throw new Error(`the AWS sandbox has no listener "${name}"`);
  return found;
}

export function createAwsService(): SandboxService {
  return {
    name: "aws",
    // HTTPS like the real endpoints, on the sandbox CA that clients trust in-process.
    listeners: Object.keys(LISTENERS).map((name) => ({ name, tls: true })),
    latencyMs: LATENCY_MS,
    faultResponse: (name, status) => listener(name).fault(status),
    async start(ctx) {
      // A mistyped switch fails the start, not the first AssumeRoleWithWebIdentity.
      rolePropagationMs(ctx.env);
      // Creates the access key on first start so that the CLI can read it before any request.
      loadAwsState(ctx);
      await ctx.save();
    },
    handle: (req, ctx) => listener(req.listener).handle(req, ctx),
  };
}

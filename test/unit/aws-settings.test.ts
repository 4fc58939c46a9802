import { describe, expect, test } from "vitest";
import { awsClientSettings } from "../../src/cloud/aws/settings.js";

const sandbox = { accessKeyId: "AKIASANDBOX", secretAccessKey: "s".repeat(40) };
const endpoints = { iam: "http://127.0.0.1:1", sts: "http://127.0.0.1:2", ssm: "http://127.0.0.1:3" };

describe("AWS client settings", () => {
  test("every client gets the region, the sandbox endpoint and the sandbox credentials", () => {
    const settings = awsClientSettings({ region: "eu-central-1", credentials: sandbox, endpoints, env: {} });
    expect(settings.clientConfig("iam")).toMatchObject({
      region: "eu-central-1",
      endpoint: endpoints.iam,
      credentials: sandbox,
    });
    expect(settings.clientConfig("ssm")).toMatchObject({ endpoint: endpoints.ssm });
  });

  test("AWS_ENDPOINT_URL_<SERVICE> wins over the sandbox endpoint, so the SDK's own setting applies", () => {
    const settings = awsClientSettings({
      region: "eu-central-1",
      credentials: sandbox,
      endpoints,
      env: { AWS_ENDPOINT_URL_IAM: "http://other:4566" },
    });
    expect(settings.clientConfig("iam")).not.toHaveProperty("endpoint");
    expect(settings.endpointOf("iam")).toBe("http://other:4566");
    expect(settings.clientConfig("sts")).toMatchObject({ endpoint: endpoints.sts });
  });

  test("with AWS_ENDPOINT_URL and credentials in the environment, both come from the environment", () => {
    const settings = awsClientSettings({
      region: "eu-central-1",
      credentials: sandbox,
      endpoints,
      env: { AWS_ENDPOINT_URL: "http://other:4566", AWS_ACCESS_KEY_ID: "AKIAOTHER" },
    });
    for (const service of ["iam", "sts", "ssm"] as const) {
      expect(settings.clientConfig(service)).not.toHaveProperty("endpoint");
      expect(settings.clientConfig(service)).not.toHaveProperty("credentials");
    }
  });

  test("outside the sandbox a profile is passed through and no endpoint is forced", () => {
    const settings = awsClientSettings({ region: "us-gov-west-1", profile: "ops", env: {} });
    expect(settings.clientConfig("sts")).toEqual({ region: "us-gov-west-1", profile: "ops", maxAttempts: 8 });
  });
});

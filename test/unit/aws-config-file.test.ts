import { describe, expect, it } from "vitest";
import { readProfile, setProfile } from "../../src/remote/aws-config-file.js";

const values = { region: "eu-central-1", role_arn: "arn:aws:iam::123456789012:role/azure-vm" };

describe("AWS config file editing", () => {
  it("writes a new file with only the default profile", () => {
    expect(setProfile("", "default", values)).toBe(
      "[default]\nregion = eu-central-1\nrole_arn = arn:aws:iam::123456789012:role/azure-vm\n",
    );
  });

  it("keeps other profiles and comments, and adds a named profile at the end", () => {
    const before = "# mine\n[profile other]\nregion = us-east-1 ; keep\n";
    const after = setProfile(before, "bridge", values);
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain("\n\n[profile bridge]\nregion = eu-central-1\n");
    expect(readProfile(after, "other")).toEqual({ region: "us-east-1 ; keep" });
  });

  it("changes only our keys inside an existing section and keeps its other keys and comments", () => {
    const before = "[default]\n# note\noutput = json\nregion = us-west-2\n\n[profile x]\nregion = a\n";
    const after = setProfile(before, "default", values);
    expect(after).toBe(
      "[default]\n# note\noutput = json\nregion = eu-central-1\nrole_arn = arn:aws:iam::123456789012:role/azure-vm\n\n[profile x]\nregion = a\n",
    );
  });

  it("is unchanged when the profile already holds the values", () => {
    const once = setProfile("[profile x]\nregion = a\n", "default", values);
    expect(setProfile(once, "default", values)).toBe(once);
  });

  it("reads [profile default] as the default profile and drops a repeated managed key", () => {
    const after = setProfile("[profile default]\nregion = a\nregion = b\n", "default", values);
    expect(after.match(/region/g)).toHaveLength(1);
    expect(readProfile(after, "default")).toEqual(values);
  });
});

export { createAwsService } from "./service.js";
export { readAwsSandboxCredentials, type AwsSandboxCredentials } from "./credentials-file.js";
export { SANDBOX_USER_ARN } from "./state.js";

import type { AccountSettingsOutput } from "../../src/kinesis/model.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlStub } from "../stubs.js";
import { defineAction } from "./action.js";

/** DescribeAccountSettings: the MinimumThroughputBillingCommitment of this account and region. */
export default defineAction({
  input: struct({}),
  async handle(_input, { env, scope }): Promise<AccountSettingsOutput> {
    return controlStub(env, scope.account, scope.region).describeAccountSettings();
  },
});

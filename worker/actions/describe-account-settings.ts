import type { AccountSettingsOutput } from "../../src/kinesis/model.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";

/** DescribeAccountSettings: the MinimumThroughputBillingCommitment of this account and region. */
export default defineAction({
  input: struct({}),
  async handle(_input, { env, scope }): Promise<AccountSettingsOutput> {
    return controlPlane(env, scope).describeAccountSettings();
  },
});

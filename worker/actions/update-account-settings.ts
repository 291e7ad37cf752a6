import { COMMITMENT_INPUT_STATUSES } from "../../src/kinesis/constraints.js";
import type { AccountSettingsOutput } from "../../src/kinesis/model.js";
import { required, string, struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";

/**
 * UpdateAccountSettings: enables or disables the MinimumThroughputBillingCommitment
 * and answers with the settings as they now are (see ControlPlane.updateAccountSettings).
 */
export default defineAction({
  input: struct({
    MinimumThroughputBillingCommitment: required(
      struct({ Status: required(string({ enum: COMMITMENT_INPUT_STATUSES })) }),
    ),
  }),
  async handle(input, { env, scope }): Promise<AccountSettingsOutput> {
    return controlPlane(env, scope).updateAccountSettings(
      input.MinimumThroughputBillingCommitment.Status,
    );
  },
});

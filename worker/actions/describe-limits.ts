import type { DescribeLimitsOutput } from "../../src/kinesis/model.js";
import { struct } from "../../src/kinesis/shape.js";
import { controlPlane } from "../clients/control.js";
import { defineAction } from "./action.js";

/** DescribeLimits: the shard limit and the open shards and on-demand streams of this account and region. */
export default defineAction({
  input: struct({}),
  async handle(_input, { env, scope }): Promise<DescribeLimitsOutput> {
    return controlPlane(env, scope).describeLimits();
  },
});

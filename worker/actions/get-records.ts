import { listLimit, streamTarget } from "../../src/kinesis/constraints.js";
import { invalidShardIterator } from "../../src/kinesis/errors/index.js";
import type { GetRecordsOutput } from "../../src/kinesis/model.js";
import { sequenceNumberFormatter } from "../../src/kinesis/sequence-number.js";
import { required, string, struct } from "../../src/kinesis/shape.js";
import { parseIterator } from "../../src/kinesis/shard-iterator.js";
import { readShard } from "../clients/shards.js";
import { signerOf } from "../iterators/keys.js";
import { recordsOf } from "../shard/record-runs.js";
import { defineAction } from "./action.js";

/**
 * GetRecords: one call to the shard named by the iterator, which checks the
 * iterator's age, reads at most Limit records and 10 MiB, and signs the next
 * iterator.
 */
export default defineAction({
  input: struct({
    ShardIterator: required(string({ min: 1, max: 512 })),
    Limit: listLimit,
    StreamARN: streamTarget.StreamARN,
    StreamId: streamTarget.StreamId,
  }),
  async handle(input, { env, scope }): Promise<GetRecordsOutput> {
    const parsed = parseIterator(input.ShardIterator);
    // The MAC is checked here, before the token may name a shard object.
    const claims =
      parsed && (await (await signerOf(env, parsed.incarnation)).verify(parsed))
        ? parsed
        : undefined;
    if (!claims) throw invalidShardIterator();
    const { runs, epoch, nextIterator, millisBehindLatest, childShards } = await readShard(
      env,
      scope,
      claims,
      input.ShardIterator,
      input.Limit ?? 10000,
    );
    const out: GetRecordsOutput = {
      Records: recordsOf(runs, sequenceNumberFormatter(epoch, claims.shardIndex)),
      MillisBehindLatest: millisBehindLatest,
    };
    if (nextIterator !== null) out.NextShardIterator = nextIterator;
    if (childShards !== undefined) out.ChildShards = childShards;
    return out;
  },
});

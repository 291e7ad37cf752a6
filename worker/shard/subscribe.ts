/**
 * SubscribeToShard, the shard's half: the rule that one consumer holds one
 * subscription per shard, where the subscription starts, and the event
 * stream it is pushed over.
 *
 * AWS's rule: a second subscription of the same consumer and shard within 5
 * seconds of the first is refused with ResourceInUseException; one 5 seconds
 * or more later takes over, and the older one ends with that exception.
 */
import { subscriptionInUse, subscriptionTakenOver } from "../../src/kinesis/errors/index.js";
import type { SubscribeRequest } from "./contract.js";
import { eventStreamSink } from "./event-stream-sink.js";
import { startPosition } from "./iterators.js";
import type { ShardState } from "./state.js";
import type { ShardStore } from "./store.js";
import { addSubscriber, heldBy, type Subscribers, TAKEOVER_MS } from "./subscribers.js";

/** Opens a subscription and returns its event stream, or throws AWS's refusal. */
export function subscribe(
  store: ShardStore,
  state: ShardState,
  subscribers: Subscribers,
  request: SubscribeRequest,
): ReadableStream<Uint8Array> {
  const now = store.clock();
  const { config } = state;
  const name = {
    account: config.account,
    streamName: config.streamName,
    shardId: config.shardId,
    consumerName: request.consumerName,
  };
  const held = heldBy(subscribers, request.consumerArn);
  if (held && now - held.startedAt < TAKEOVER_MS) throw subscriptionInUse(name);
  // Checked before the older subscription is ended: a bad start refuses the
  // newer one and leaves the older one alone.
  const start = startPosition(store, state, request.start);
  held?.end(subscriptionTakenOver(name));
  const { sink, readable } = eventStreamSink(request.wire);
  addSubscriber(store, state, subscribers, { holder: request.consumerArn, start, sink });
  return readable;
}

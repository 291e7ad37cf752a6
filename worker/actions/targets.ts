/**
 * What an operation's input names: the stream, by StreamName or StreamARN,
 * or a resource by ARN (TagResource, UntagResource, ListTagsForResource).
 */
import { parseStreamArn, type Scope } from "../../src/kinesis/arn.js";
import {
  consumerNotFound,
  invalidResourceArn,
  invalidStreamArn,
  streamNameArnMismatch,
  streamNameOrArnRequired,
  streamNotFound,
} from "../../src/kinesis/errors/index.js";

/**
 * The stream an operation names, from StreamName or StreamARN (the model allows
 * either, or both when they agree). Another account's or region's stream is
 * not found here.
 *
 * @example
 * streamNameOf(scope, { StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/demo" }); // "demo"
 */
export function streamNameOf(
  scope: Scope,
  input: { StreamName?: string; StreamARN?: string },
): string {
  const { StreamName, StreamARN } = input;
  if (StreamARN !== undefined) {
    const arn = parseStreamArn(StreamARN);
    if (!arn) throw invalidStreamArn(StreamARN);
    if (arn.account !== scope.account || arn.region !== scope.region) {
      throw streamNotFound(arn.name, arn.account);
    }
    if (StreamName !== undefined && StreamName !== arn.name) {
      throw streamNameArnMismatch(StreamName, StreamARN);
    }
    return arn.name;
  }
  if (StreamName === undefined) throw streamNameOrArnRequired();
  return StreamName;
}

/** arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer>:<creation time> */
const CONSUMER_ARN = /^arn:aws[^:]*:kinesis:[^:]*:(\d{12}):stream\/[^/\s]+\/consumer\/\S+$/;

/**
 * The stream a ResourceARN names in this scope, or the error AWS answers for
 * a resource it cannot find. Streams are the only kind of resource so far; a
 * consumer ARN names a consumer that cannot exist yet.
 *
 * @example
 * streamOfResource(scope, "arn:aws:kinesis:us-east-1:000000000000:stream/demo"); // "demo"
 */
export function streamOfResource(scope: Scope, arn: string): string {
  if (parseStreamArn(arn)) return streamNameOf(scope, { StreamARN: arn });
  const consumer = CONSUMER_ARN.exec(arn);
  if (consumer) throw consumerNotFound(arn, consumer[1] ?? scope.account);
  throw invalidResourceArn(arn);
}

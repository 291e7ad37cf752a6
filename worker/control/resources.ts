/**
 * The resources TagResource, UntagResource and ListTagsForResource name by
 * ARN. Streams are the only kind this service has so far; a consumer ARN
 * names a consumer that cannot exist yet.
 */
import { parseStreamArn, type Scope } from "../../src/kinesis/arn.js";
import { KinesisError, streamNotFound } from "../../src/kinesis/errors.js";

/** arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<consumer>:<creation time> */
const CONSUMER_ARN = /^arn:aws[^:]*:kinesis:[^:]*:(\d{12}):stream\/[^/\s]+\/consumer\/\S+$/;

/**
 * The stream a ResourceARN names in this scope, or the error AWS answers for
 * a resource it cannot find.
 *
 * @example
 * streamOfResource(scope, "arn:aws:kinesis:us-east-1:000000000000:stream/demo"); // "demo"
 */
export function streamOfResource(scope: Scope, arn: string): string {
  const stream = parseStreamArn(arn);
  if (stream) {
    // Another account's or region's stream is not found here, as with StreamARN.
    if (stream.account !== scope.account || stream.region !== scope.region) {
      throw streamNotFound(stream.name, stream.account);
    }
    return stream.name;
  }
  const consumer = CONSUMER_ARN.exec(arn);
  if (consumer) {
    throw new KinesisError(
      "ResourceNotFoundException",
      `Consumer ${arn} under account ${consumer[1] ?? scope.account} not found.`,
    );
  }
  throw new KinesisError("InvalidArgumentException", `Invalid ResourceARN ${arn}.`);
}

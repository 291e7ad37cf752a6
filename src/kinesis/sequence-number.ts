/**
 * Sequence numbers. Each is a 46-digit decimal string:
 *
 *   "49" | stream epoch (14 digits, ms) | shard index (10 digits) | position (20 digits)
 *
 * - The position is the shard's own counter, so numbers rise strictly within a
 *   shard, and comparing them as big integers (or as strings, being fixed
 *   width) gives shard order.
 * - The shard index makes them unique within the stream and lets a number used
 *   against the wrong shard be told apart, as AWS does.
 * - The stream epoch is fixed when the stream is created, so a number from a
 *   deleted stream of the same name is recognised as foreign.
 */

const PREFIX = "49";
const LENGTH = 46;

/** The parts a sequence number encodes. */
export interface SequenceParts {
  /** Milliseconds; minted once per stream incarnation. */
  readonly epoch: number;
  readonly shardIndex: number;
  /** The shard's position counter: 0 is the shard's start, records take 1, 2, … */
  readonly position: bigint;
}

/**
 * @example
 * formatSequenceNumber({ epoch: 1764201600000, shardIndex: 2, position: 7n });
 * // "49" + "01764201600000" + "0000000002" + "00000000000000000007"
 */
export function formatSequenceNumber(parts: SequenceParts): string {
  return (
    PREFIX +
    String(parts.epoch).padStart(14, "0") +
    String(parts.shardIndex).padStart(10, "0") +
    parts.position.toString().padStart(20, "0")
  );
}

/**
 * A formatter for one shard's sequence numbers: the shard's fixed prefix is
 * built once, so each number costs one padded integer (positions stay below
 * 2^53, so no BigInt is needed on the hot path).
 *
 * @example
 * const format = sequenceNumberFormatter(1764201600000, 2);
 * format(7) === formatSequenceNumber({ epoch: 1764201600000, shardIndex: 2, position: 7n });
 */
export function sequenceNumberFormatter(
  epoch: number,
  shardIndex: number,
): (position: number) => string {
  const prefix = PREFIX + String(epoch).padStart(14, "0") + String(shardIndex).padStart(10, "0");
  return (position) => prefix + String(position).padStart(20, "0");
}

/** The parts of a sequence number this service minted, or undefined for any other string. */
export function parseSequenceNumber(value: string): SequenceParts | undefined {
  if (value.length !== LENGTH || !value.startsWith(PREFIX) || !/^\d+$/.test(value))
    return undefined;
  return {
    epoch: Number(value.slice(2, 16)),
    shardIndex: Number(value.slice(16, 26)),
    position: BigInt(value.slice(26)),
  };
}

/** Shard ids are `shardId-` and twelve digits, one index space per stream. */
export function formatShardId(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

/**
 * The index of a shard id. AWS also accepts the bare number or any prefix
 * before a dash (`foo-1`), so this does too; undefined when there is none.
 */
export function parseShardId(shardId: string): number | undefined {
  const tail = shardId.includes("-") ? shardId.slice(shardId.lastIndexOf("-") + 1) : shardId;
  if (!/^\d+$/.test(tail)) return undefined;
  const index = Number(tail);
  return index <= 2147483647 ? index : undefined;
}

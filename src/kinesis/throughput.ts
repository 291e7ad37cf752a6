/**
 * A shard's throughput limits, as AWS documents them for provisioned shards
 * (Kinesis Data Streams quotas and limits; GetRecords and PutRecords API
 * references):
 *
 * - writes: 1 MiB/s and 1,000 records/s, counting data plus partition key bytes;
 * - reads: 5 GetRecords calls/s and 2 MiB/s; a call that returns 10 MiB makes
 *   the calls of the next 5 seconds fail;
 * - GetShardIterator: 5 calls/s.
 *
 * Each limit is a token bucket. A bucket holds at most one second of its rate
 * (the burst) and refills continuously, so over any window of T seconds it
 * admits at most `rate × T + burst`.
 *
 * Reads are charged after the fact, because a call's size is known only once
 * it has read: a call is admitted while the read bucket is not in debt, and
 * then pays for what it returned, going into debt if it returned more than
 * the bucket held. The read bucket holds no burst (its capacity is zero), so
 * 10 MiB returned is 5 seconds of debt at 2 MiB/s, which is AWS's rule.
 *
 * Writes larger than a bucket (records above 1 MiB, after UpdateMaxRecordSize)
 * are admitted against a full bucket and leave it in debt, the way AWS lets a
 * large record through and throttles what follows.
 */

export const MiB = 1024 * 1024;

/** The per-shard quotas of a provisioned shard. */
export interface ShardQuotas {
  readonly writeBytesPerSecond: number;
  readonly writeRecordsPerSecond: number;
  readonly readBytesPerSecond: number;
  readonly readCallsPerSecond: number;
  readonly iteratorCallsPerSecond: number;
}

export const SHARD_QUOTAS: ShardQuotas = {
  writeBytesPerSecond: MiB,
  writeRecordsPerSecond: 1000,
  readBytesPerSecond: 2 * MiB,
  readCallsPerSecond: 5,
  iteratorCallsPerSecond: 5,
};

/**
 * A token bucket on an explicit clock (milliseconds), so tests move time
 * instead of waiting for it.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;

  /**
   * @param rate tokens added per second
   * @param capacity the most tokens the bucket holds (its burst)
   * @param now the time the bucket starts, full
   */
  constructor(
    readonly rate: number,
    readonly capacity: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#at = now;
  }

  /** Tokens available at `now`; negative while in debt. */
  tokens(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) / 1000) * this.rate);
      this.#at = now;
    }
    return this.#tokens;
  }

  /**
   * Whether `n` tokens may be taken now. An amount above the capacity is
   * allowed against a full bucket (it then goes into debt).
   */
  allows(n: number, now: number): boolean {
    return this.tokens(now) >= Math.min(n, this.capacity);
  }

  /** Takes `n` tokens, into debt if need be. */
  take(n: number, now: number): void {
    this.tokens(now);
    this.#tokens -= n;
  }
}

/** The buckets of one shard. */
export class ShardThrottle {
  readonly #writeBytes: TokenBucket;
  readonly #writeRecords: TokenBucket;
  readonly #readBytes: TokenBucket;
  readonly #readCalls: TokenBucket;
  readonly #iteratorCalls: TokenBucket;

  constructor(now: number, quotas: ShardQuotas = SHARD_QUOTAS) {
    this.#writeBytes = new TokenBucket(quotas.writeBytesPerSecond, quotas.writeBytesPerSecond, now);
    this.#writeRecords = new TokenBucket(
      quotas.writeRecordsPerSecond,
      quotas.writeRecordsPerSecond,
      now,
    );
    this.#readBytes = new TokenBucket(quotas.readBytesPerSecond, 0, now);
    this.#readCalls = new TokenBucket(quotas.readCallsPerSecond, quotas.readCallsPerSecond, now);
    this.#iteratorCalls = new TokenBucket(
      quotas.iteratorCallsPerSecond,
      quotas.iteratorCallsPerSecond,
      now,
    );
  }

  /**
   * Admits the longest prefix of `sizes` (each record's data plus partition
   * key bytes) that the write buckets allow, takes its tokens, and returns its
   * length. The records after the first refused one are refused too, even if
   * a smaller one would fit: admitting it would put it ahead of the refused
   * record, which its producer will retry, and reorder their partition key.
   */
  admitWrites(sizes: readonly number[], now: number): number {
    let admitted = 0;
    for (const size of sizes) {
      if (!this.#writeRecords.allows(1, now) || !this.#writeBytes.allows(size, now)) break;
      this.#writeRecords.take(1, now);
      this.#writeBytes.take(size, now);
      admitted++;
    }
    return admitted;
  }

  /** Admits one GetRecords call, or refuses it (too many calls, or read debt). */
  admitRead(now: number): boolean {
    if (!this.#readCalls.allows(1, now) || !this.#readBytes.allows(0, now)) return false;
    this.#readCalls.take(1, now);
    return true;
  }

  /** Charges an admitted GetRecords call for the bytes it returned. */
  chargeRead(bytes: number, now: number): void {
    this.#readBytes.take(bytes, now);
  }

  /** Admits one GetShardIterator call, or refuses it. */
  admitIterator(now: number): boolean {
    if (!this.#iteratorCalls.allows(1, now)) return false;
    this.#iteratorCalls.take(1, now);
    return true;
  }
}

/**
 * Typed stubs for the two Durable Object classes.
 */

/**
 * Shard objects are named by stream incarnation and shard id, never by stream
 * name alone, so a stream deleted and created again never sees the old data.
 */
export function shardStub(env: Env, incarnation: string, shardId: string) {
  return env.SHARD.get(env.SHARD.idFromName(`${incarnation}/${shardId}`));
}

/** The control plane of one account and region. */
export function controlStub(env: Env, account: string, region: string) {
  return env.CONTROL.get(env.CONTROL.idFromName(`${account}/${region}`));
}

/** The control object that holds server-wide state (the iterator secret). */
export function serverStub(env: Env) {
  return env.CONTROL.get(env.CONTROL.idFromName("server"));
}

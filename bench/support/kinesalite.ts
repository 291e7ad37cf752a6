/**
 * kinesalite, in memory, as the bench's reference: spawned detached on a
 * port, ready once it answers an HTTP request, stopped by SIGTERM to its
 * group.
 *
 * @example
 * const server = spawnKinesalite(port);
 * await kinesaliteReady(server, port);
 * await stopKinesalite(server);
 */
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { projectRoot } from "./paths.ts";
import { ServerProcess, type Stopped } from "./server-process.ts";

export const KINESALITE = path.join(projectRoot, "node_modules", "kinesalite", "cli.js");

/** Spawns kinesalite on `port`; tracked from here on. */
export function spawnKinesalite(port: number): ServerProcess {
  return ServerProcess.spawn([
    KINESALITE,
    "--port",
    String(port),
    "--createStreamMs",
    "0",
    "--deleteStreamMs",
    "0",
    "--updateStreamMs",
    "0",
    // Its default of 10 shards would refuse a third 4-shard stream while an
    // older one is still being deleted; the count is bookkeeping, not load.
    "--shardLimit",
    "100000",
  ]);
}

/** Resolves with its endpoint once it answers a request; rejects if it exits or takes 30 s. */
export async function kinesaliteReady(server: ServerProcess, port: number): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    if (server.exit !== undefined) {
      throw new Error(`kinesalite exited before it answered:\n${server.output}`);
    }
    try {
      await probe(port);
      return `http://127.0.0.1:${port}`;
    } catch {
      if (performance.now() > deadline) {
        throw new Error(`kinesalite did not answer in 30 s:\n${server.output}`);
      }
      await sleep(100);
    }
  }
}

/** Stops kinesalite: SIGTERM to its group, SIGKILL after 5 s. */
export function stopKinesalite(server: ServerProcess): Promise<Stopped> {
  return server.stop({ signal: "group", graceMs: 5_000 });
}

/** Sends one ListStreams and resolves with its status, or rejects. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        agent: false,
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "Kinesis_20131202.ListStreams",
        },
        timeout: 1000,
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
    request.end("{}");
  });
}

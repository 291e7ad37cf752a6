/**
 * `npm run conformance -- --endpoint URL [vitest arguments]`: runs the
 * per-operation conformance suites (test/workers/api) over HTTP against any
 * Kinesis endpoint: a running Tributary, kinesalite, or AWS itself. Without
 * --endpoint it runs them against the service as `npm start` runs it, on a
 * fresh data directory, as `npm test` does.
 *
 * Tests that reach into Tributary's own Durable Objects (clocks, limits,
 * storage) are skipped; every other test asserts AWS's answers, so a failure
 * against another endpoint is a place where it answers differently.
 *
 * @example
 * npm run conformance -- --endpoint http://127.0.0.1:4567
 * npm run conformance -- --endpoint http://127.0.0.1:4568 test/workers/api/list-streams.test.ts
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
};

const at = args.findIndex((arg) => arg === "--endpoint" || arg.startsWith("--endpoint="));
if (at >= 0) {
  const arg = args[at] ?? "";
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[at + 1];
  if (!value || !/^https?:\/\/./.test(value)) {
    console.error("conformance: --endpoint takes a URL, e.g. --endpoint http://127.0.0.1:4567");
    process.exit(2);
  }
  env.CONFORMANCE_ENDPOINT = value;
  args.splice(at, arg.includes("=") ? 1 : 2);
}
if (args.includes("--help") || args.includes("-h")) {
  console.log("npm run conformance -- [--endpoint URL] [vitest run arguments, e.g. test files]");
  process.exit(0);
}

const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const child = spawn(process.execPath, [vitest, "run", "--project", "conformance", ...args], {
  cwd: root,
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

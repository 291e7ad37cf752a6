import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

// Flags for Debian's Chromium on a machine with no network: without the
// background-networking ones it keeps dialling Google's hosts at start.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The conformance suites call shards faster than their limits
              // allow; test/workers/api/throughput.test.ts switches limits
              // back on, per shard, with a clock of its own.
              bindings: { CREATE_STREAM_MS: "0", DELETE_STREAM_MS: "0", KINESIS_LIMITS: "off" },
            },
          }),
        ],
        test: {
          name: "workers",
          // Beside the suites: the middleware tests, next to what they test.
          include: ["test/workers/**/*.test.ts", "worker/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: "/usr/bin/chromium",
                args: chromiumArgs,
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});

import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { CONFORMANCE_BINDINGS } from "./test/node/support/conformance-service.js";

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

/** What the suites inside workerd run with; the conformance service gets the same. */
const SUITE_BINDINGS = { CREATE_STREAM_MS: "0", DELETE_STREAM_MS: "0", KINESIS_LIMITS: "off" };
const WRANGLER = { configPath: "./wrangler.toml" };

export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: WRANGLER,
            miniflare: {
              // The conformance suites call shards faster than their limits
              // allow; test/workers/api/throughput.test.ts switches limits
              // back on, per shard, with a clock of its own.
              bindings: SUITE_BINDINGS,
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
        // The same per-operation suites, over HTTP: against the service as
        // npm start runs it, or against CONFORMANCE_ENDPOINT (npm run
        // conformance). Tests that reach into the service are skipped.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: WRANGLER,
            miniflare: {
              bindings: {
                ...SUITE_BINDINGS,
                ...CONFORMANCE_BINDINGS,
                CONFORMANCE_ENDPOINT: inject("conformanceEndpoint"),
              },
            },
          })),
        ],
        test: {
          name: "conformance",
          include: ["test/workers/api/**/*.test.ts"],
          globalSetup: ["test/node/support/conformance-service.ts"],
          testTimeout: 30_000,
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedOnFreshDirectory, startOnFreshDirectory } from "./support/process.js";
import { packageVersion } from "./support/service.js";

let service: StartedOnFreshDirectory;

beforeAll(async () => {
  service = await startOnFreshDirectory("health");
});

afterAll(async () => {
  await service?.stop();
});

describe("npm start", () => {
  it("answers GET /health with ok and the package's version", async () => {
    const version = await packageVersion();
    const res = await fetch(new URL("/health", service.endpoint));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version });
  });
});

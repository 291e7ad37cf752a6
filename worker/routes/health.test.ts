import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };

describe("GET /health", () => {
  it("answers ok with the version, without credentials", async () => {
    const res = await exports.default.fetch("http://localhost/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ status: "ok", version: packageJson.version });
    expect(res.headers.get("x-amzn-RequestId")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("leaves every other GET to the Kinesis protocol, which refuses it as AWS does", async () => {
    const res = await exports.default.fetch("http://localhost/healthz");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<AccessDeniedException>");
  });
});

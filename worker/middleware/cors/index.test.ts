import { describe, expect, it } from "vitest";
import { appWith } from "../../../test/workers/support/middleware-app.js";
import { cors } from "./index.js";

const app = appWith(cors(), () => new Response("answered"));

describe("cors", () => {
  it("answers a preflight with what it asks for, without reaching the handler", async () => {
    const res = await app.request("/", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-amz-target",
      },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("POST");
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type,x-amz-target");
  });

  it("lets a browser read the request id and error headers of an answer", async () => {
    const res = await app.request("/", {
      method: "POST",
      headers: { origin: "https://a.example" },
    });
    expect(await res.text()).toBe("answered");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-expose-headers")?.split(",")).toContain(
      "x-amzn-RequestId",
    );
  });

  it("leaves a request without an Origin alone", async () => {
    const res = await app.request("/", { method: "OPTIONS" });
    expect(await res.text()).toBe("answered");
    expect(res.headers.has("access-control-allow-origin")).toBe(false);
  });
});

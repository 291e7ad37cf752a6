import { describe, expect, it } from "vitest";
import { appWith } from "../../../test/workers/support/middleware-app.js";
import { requestId } from "./index.js";

describe("requestId", () => {
  it("gives the handler and the response the same fresh id", async () => {
    const app = appWith<{ Variables: { requestId: string } }>(requestId(), (c) =>
      Response.json({ id: c.var.requestId }),
    );
    const [a, b] = [await app.request("/"), await app.request("/")];
    const id = a.headers.get("x-amzn-RequestId");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await a.json()).toEqual({ id });
    expect(b.headers.get("x-amzn-RequestId")).not.toBe(id);
  });
});

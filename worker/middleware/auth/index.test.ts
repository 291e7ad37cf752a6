import { describe, expect, it } from "vitest";
import { appWith, jsonOf } from "../../../test/workers/support/middleware-app.js";
import { type AuthVariables, authentication } from "./index.js";

const app = appWith<{ Bindings: Env; Variables: AuthVariables }>(authentication(), (c) =>
  Response.json(c.var.scope),
);

const CREDENTIAL = (region: string) => `AKID/20261202/${region}/kinesis/aws4_request`;

function signed(header: string, env: Partial<Env> = {}, date = true): Promise<Response> {
  const headers: Record<string, string> = { authorization: header };
  if (date) headers["x-amz-date"] = "20261202T000000Z";
  return Promise.resolve(app.request("/", { method: "POST", headers }, env));
}

describe("authentication", () => {
  it("sets the scope: the configured account and the credential scope's region", async () => {
    const res = await signed(
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL("eu-west-2")}, SignedHeaders=host, Signature=ab`,
      { ACCOUNT_ID: "123456789012" },
    );
    expect(await jsonOf(res)).toEqual({ account: "123456789012", region: "eu-west-2" });
  });

  it("uses the default account when ACCOUNT_ID is empty", async () => {
    const res = await signed(
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL("us-west-1")}, SignedHeaders=host, Signature=ab`,
      { ACCOUNT_ID: "" },
    );
    expect(await jsonOf(res)).toEqual({ account: "000000000000", region: "us-west-1" });
  });

  it("answers a request without credentials with MissingAuthenticationTokenException", async () => {
    const res = await app.request("/", { method: "POST" }, {});
    expect(await jsonOf(res)).toEqual({
      type: "MissingAuthenticationTokenException",
      message: "Missing Authentication Token",
      status: 400,
    });
  });

  it("lists what an Authorization header lacks, the date included", async () => {
    const res = await signed("AWS4-HMAC-SHA256 Credential=x", {}, false);
    expect(await jsonOf(res)).toMatchObject({
      type: "IncompleteSignatureException",
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=x",
    });
  });

  it("refuses a credential scope whose region is not shaped like one", async () => {
    const res = await signed(
      `AWS4-HMAC-SHA256 Credential=${CREDENTIAL("nowhere")}, SignedHeaders=host, Signature=ab`,
    );
    expect(await jsonOf(res)).toMatchObject({ type: "InvalidSignatureException" });
  });

  it("refuses credentials in both the header and the query string", async () => {
    const res = await app.request(
      "/?X-Amz-Algorithm=AWS4-HMAC-SHA256",
      { method: "POST", headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" } },
      {},
    );
    expect(await jsonOf(res)).toMatchObject({ type: "InvalidSignatureException" });
  });
});

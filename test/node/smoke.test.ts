import { expect, it } from "vitest";
it("runs", () => { expect(process.version.startsWith("v24")).toBe(true); });

import { expect, it } from "vitest";
it("runs", () => { expect(typeof indexedDB).toBe("object"); });

// Placeholder until the TypeScript front lands: the existing front, so the
// local service runs meanwhile. Overwrite this file freely.
// @ts-nocheck
export { startFront } from "../scripts/h2c-front.mjs";

export * from "./request-id.js";

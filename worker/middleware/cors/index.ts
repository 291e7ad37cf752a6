export * from "./cors.js";

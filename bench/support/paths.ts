/**
 * Where the project is, for the bench and the soak, which run from anywhere.
 *
 * @example
 * path.join(projectRoot, "node_modules", "kinesalite", "cli.js");
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root directory (where package.json is). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

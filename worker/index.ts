/**
 * The Worker entry: the Hono app, and the Durable Object classes the runtime
 * instantiates (names as in wrangler.toml).
 */
import { app } from "./app.js";

export { ControlPlane } from "./control/control-plane.js";
export { Shard } from "./shard/shard.js";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

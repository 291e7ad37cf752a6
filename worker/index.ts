import { DurableObject } from "cloudflare:workers";
export class ControlPlane extends DurableObject {}
export class Shard extends DurableObject {}
export default {
  async fetch() {
    return new Response("ok");
  },
} satisfies ExportedHandler;

// The few Web-standard globals the core relies on, which workerd, browsers and
// Node all provide. Only the core's own project reads this file; the Worker and
// browser projects get the real declarations from their platform's types.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

/**
 * Stream ARNs: `arn:aws:kinesis:<region>:<account>:stream/<name>`.
 */

/** Where a request lives: its account and region. One scope never sees another's streams. */
export interface Scope {
  readonly account: string;
  readonly region: string;
}

/** @example streamArn({ account: "000000000000", region: "us-east-1" }, "demo") */
export function streamArn(scope: Scope, name: string): string {
  return `arn:aws:kinesis:${scope.region}:${scope.account}:stream/${name}`;
}

/** The parts of a stream ARN, or undefined if the text is not one. */
export function parseStreamArn(arn: string): (Scope & { name: string }) | undefined {
  const match = /^arn:aws[^:]*:kinesis:([^:]*):(\d{12}):stream\/([^/\s]+)$/.exec(arn);
  if (!match) return undefined;
  const [, region = "", account = "", name = ""] = match;
  return { region, account, name };
}

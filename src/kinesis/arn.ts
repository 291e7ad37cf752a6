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

// The model's ARN patterns, `^arn:aws.*:kinesis:.*:\d{12}:stream/\S+$` and
// (ResourceARN) `^arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+$`, backtrack in a
// regular-expression engine: a long near miss takes seconds. These functions
// accept exactly the same strings in linear time. As in JavaScript's `.`, the
// `.*` parts cannot cross a line terminator; `\S+` excludes all white space,
// so no line terminator may appear anywhere.

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/u;
const WHITE_SPACE = /\s/u;

/** The index after the last white-space character, or 0 when there is none. */
function afterLastWhiteSpace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (WHITE_SPACE.test(text.charAt(i))) return i + 1;
  return 0;
}

/** Whether `text` has `:` and twelve ASCII digits starting at `at`. */
function accountAt(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== 58) return false;
  for (let i = at + 1; i <= at + 12; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Where `:kinesis:` first follows `arn:aws`, or -1. */
function kinesisAt(text: string): number {
  if (!text.startsWith("arn:aws") || LINE_TERMINATOR.test(text)) return -1;
  return text.indexOf(":kinesis:", 7);
}

/** `^arn:aws.*:kinesis:.*:\d{12}:stream/\S+$`, the model's StreamARN pattern. */
export function matchesStreamArnPattern(text: string): boolean {
  const kinesis = kinesisAt(text);
  if (kinesis < 0) return false;
  const tail = afterLastWhiteSpace(text);
  // ":" + 12 digits sit right before ":stream/", after ":kinesis:" and whatever follows it.
  for (
    let p = text.indexOf(":stream/", kinesis + 22);
    p >= 0;
    p = text.indexOf(":stream/", p + 1)
  ) {
    if (p + 8 < text.length && p + 8 >= tail && accountAt(text, p - 13)) return true;
  }
  return false;
}

/** `^arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+$`, the model's ResourceARN pattern. */
export function matchesResourceArnPattern(text: string): boolean {
  const kinesis = kinesisAt(text);
  if (kinesis < 0) return false;
  // The earliest ":" + 12 digits + ":" leaves the most room for the rest.
  let account = -1;
  for (let q = text.indexOf(":", kinesis + 9); q >= 0; q = text.indexOf(":", q + 1)) {
    if (accountAt(text, q) && text.charCodeAt(q + 13) === 58) {
      account = q;
      break;
    }
  }
  if (account < 0) return false;
  const tail = afterLastWhiteSpace(text);
  for (let p = text.indexOf("stream/", account + 14); p >= 0; p = text.indexOf("stream/", p + 1)) {
    if (p + 7 < text.length && p + 7 >= tail) return true;
  }
  return false;
}

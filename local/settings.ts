/**
 * Every setting of the local service, in one table: its environment
 * variable, its flag (the variable's name in lower case with dashes, so
 * `CREATE_STREAM_MS` is `--create-stream-ms`; a few have a shorter one), what
 * it accepts, its default and what it does. The command line, `--help` and
 * the README's settings table are all read from it, so they cannot disagree.
 *
 * A flag wins over its variable. Every value is checked before anything
 * starts: a bad one stops the start with its name and what it accepts.
 */
import path from "node:path";
import { readSwitch, readWholeNumber, SWITCH_WORDS } from "../src/settings/values.ts";

export type SettingKind =
  | { readonly type: "switch" }
  | { readonly type: "number"; readonly min: number; readonly max: number }
  | { readonly type: "choice"; readonly words: readonly string[] }
  | { readonly type: "text"; readonly pattern?: RegExp; readonly shape?: string }
  | { readonly type: "path" };

export interface Setting {
  /** The environment variable. */
  readonly name: string;
  /** The flag, without its dashes. */
  readonly flag: string;
  readonly kind: SettingKind;
  /** The default as the user would write it; undefined for none. */
  readonly fallback: string | undefined;
  /** One line for --help and the README. */
  readonly about: string;
  /** Whether the Worker reads it (as a var) rather than the host around it. */
  readonly worker: boolean;
}

const PORT = { type: "number", min: 0, max: 65_535 } as const;
const SWITCH = { type: "switch" } as const;
const MS = { type: "number", min: 0, max: 86_400_000 } as const;

/** The settings, in the order --help lists them. */
export const SETTINGS: readonly Setting[] = [
  {
    name: "PORT",
    flag: "port",
    kind: PORT,
    fallback: "4567",
    about: "The port to listen on; 0 lets the system pick one.",
    worker: false,
  },
  {
    name: "HOST",
    flag: "host",
    kind: { type: "text", pattern: /^[\w.:-]+$/, shape: "an IP address or a host name" },
    fallback: "127.0.0.1",
    about:
      "The address to listen on. 0.0.0.0 (or ::) accepts connections from other machines and containers.",
    worker: false,
  },
  {
    name: "KINESIS_DATA_DIR",
    flag: "data-dir",
    kind: { type: "path" },
    fallback: ".tributary/data",
    about:
      "Where stream data is kept (a relative default is under the project). One service at a time may use it.",
    worker: false,
  },
  {
    name: "TLS",
    flag: "tls",
    kind: SWITCH,
    fallback: "off",
    about:
      "Serve HTTPS (HTTP/2 and HTTP/1.1, by ALPN), with a self-signed certificate made once in the data directory (tls/cert.pem).",
    worker: false,
  },
  {
    name: "TLS_CERT",
    flag: "tls-cert",
    kind: { type: "path" },
    fallback: undefined,
    about: "A PEM certificate to serve instead of the self-signed one (with TLS_KEY; implies TLS).",
    worker: false,
  },
  {
    name: "TLS_KEY",
    flag: "tls-key",
    kind: { type: "path" },
    fallback: undefined,
    about: "The PEM private key of TLS_CERT.",
    worker: false,
  },
  {
    name: "LOG",
    flag: "log",
    kind: { type: "choice", words: ["requests", "off"] },
    fallback: "off",
    about: "requests: print a line per call (time, operation, stream, status, ms).",
    worker: true,
  },
  {
    name: "KINESIS_LIMITS",
    flag: "limits",
    kind: SWITCH,
    fallback: "on",
    about:
      "Per-shard throughput limits as AWS enforces them (1 MiB/s and 1,000 records/s in, 2 MiB/s and 5 reads/s out).",
    worker: true,
  },
  {
    name: "CREATE_STREAM_MS",
    flag: "create-stream-ms",
    kind: MS,
    fallback: "500",
    about: "How long a new stream stays CREATING.",
    worker: true,
  },
  {
    name: "DELETE_STREAM_MS",
    flag: "delete-stream-ms",
    kind: MS,
    fallback: "500",
    about: "How long a deleted stream stays DELETING.",
    worker: true,
  },
  {
    name: "UPDATE_STREAM_MS",
    flag: "update-stream-ms",
    kind: MS,
    fallback: "500",
    about: "How long a stream stays UPDATING after a reshard or a capacity mode change.",
    worker: true,
  },
  {
    name: "SHARD_LIMIT",
    flag: "shard-limit",
    kind: { type: "number", min: 1, max: 1_000_000 },
    fallback: "500",
    about: "Open shards one account may have in one region.",
    worker: true,
  },
  {
    name: "ON_DEMAND_SCALE_MS",
    flag: "on-demand-scale-ms",
    kind: { type: "number", min: 1, max: 86_400_000 },
    fallback: "10000",
    about: "How long an on-demand shard measures its write load before it may ask to be split.",
    worker: true,
  },
  {
    name: "SUBSCRIBE_SESSION_MS",
    flag: "subscribe-session-ms",
    kind: { type: "number", min: 1, max: 86_400_000 },
    fallback: "300000",
    about: "How long a subscription to a shard lasts before it ends cleanly (AWS: 5 minutes).",
    worker: true,
  },
  {
    name: "ACCOUNT_ID",
    flag: "account-id",
    kind: { type: "text", pattern: /^\d{12}$/, shape: "12 digits" },
    fallback: "000000000000",
    about: "The account that stream ARNs and error messages carry.",
    worker: true,
  },
  {
    name: "ITERATOR_SECRET",
    flag: "iterator-secret",
    kind: { type: "text" },
    fallback: undefined,
    about: "Signs shard iterators; unset, a secret is made once and stored with the data.",
    worker: true,
  },
  {
    name: "TRIBUTARY_HTTP2",
    flag: "http2",
    kind: SWITCH,
    fallback: "on",
    about:
      "Cleartext HTTP/2 beside HTTP/1.1 on the port, for the AWS SDK for JavaScript's default client.",
    worker: false,
  },
  {
    name: "TRIBUTARY_INSPECTOR_PORT",
    flag: "inspector-port",
    kind: PORT,
    fallback: undefined,
    about: "Opens the Worker's V8 inspector on this port, for Chrome DevTools profiling.",
    worker: false,
  },
  {
    name: "TRIBUTARY_WRANGLER_CONFIG",
    flag: "wrangler-config",
    kind: { type: "path" },
    fallback: "wrangler.toml",
    about: "The wrangler config of the Worker to serve (the benchmark serves its own with it).",
    worker: false,
  },
  {
    name: "TRIBUTARY_DEBUG",
    flag: "debug",
    kind: SWITCH,
    fallback: "off",
    about: "Print the stack of a startup failure, not just its one line.",
    worker: false,
  },
];

/** A setting's value refused, with what it accepts: one line for the user. */
export class SettingError extends Error {
  override name = "SettingError";
}

/** What a setting accepts, for messages and --help. */
export function accepts(kind: SettingKind): string {
  switch (kind.type) {
    case "switch":
      return `${SWITCH_WORDS.on.join("/")} or ${SWITCH_WORDS.off.join("/")}`;
    case "number":
      return `a whole number from ${kind.min} to ${kind.max}`;
    case "choice":
      return kind.words.join(" or ");
    case "text":
      return kind.shape ?? "text";
    case "path":
      return "a path";
  }
}

/**
 * Checks one value and gives it back in the form the service reads: a
 * switch as "on" or "off", a number in plain digits, a path made absolute
 * against `base`.
 */
export function checkValue(setting: Setting, text: string, source: string, base: string): string {
  const { kind } = setting;
  const refuse = (): never => {
    throw new SettingError(`${source} is ${JSON.stringify(text)}, but it takes ${accepts(kind)}`);
  };
  switch (kind.type) {
    case "switch": {
      const on = readSwitch(text);
      return on === undefined ? refuse() : on ? "on" : "off";
    }
    case "number": {
      const value = readWholeNumber(text, kind.min, kind.max);
      return value === undefined ? refuse() : String(value);
    }
    case "choice": {
      const word = text.trim().toLowerCase();
      return kind.words.includes(word) ? word : refuse();
    }
    case "text":
      return kind.pattern === undefined || kind.pattern.test(text) ? text : refuse();
    case "path":
      return text.trim() === "" ? refuse() : path.resolve(base, text);
  }
}

/** The settings' values after checking, by variable name; unset ones without a default are absent. */
export type SettingValues = ReadonlyMap<string, string>;

export interface Sources {
  /** Values from flags, by variable name, as typed. */
  readonly flags: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths the user gives resolve (where they ran the command). */
  readonly cwd: string;
  /** Where relative defaults resolve (the project). */
  readonly root: string;
}

/**
 * Every setting's value: the flag's, else the variable's (an empty variable
 * counts as unset), else the default. Throws a SettingError for the first
 * bad one.
 */
export function readSettings({ flags, env, cwd, root }: Sources): SettingValues {
  const values = new Map<string, string>();
  for (const setting of SETTINGS) {
    const fromFlag = flags.get(setting.name);
    const fromEnv = env[setting.name];
    if (fromFlag !== undefined) {
      values.set(setting.name, checkValue(setting, fromFlag, `--${setting.flag}`, cwd));
    } else if (fromEnv !== undefined && fromEnv !== "") {
      values.set(setting.name, checkValue(setting, fromEnv, setting.name, cwd));
    } else if (setting.fallback !== undefined) {
      values.set(setting.name, checkValue(setting, setting.fallback, setting.name, root));
    }
  }
  return values;
}

/** The setting whose flag is `flag` (without dashes), if any. */
export function settingOfFlag(flag: string): Setting | undefined {
  return SETTINGS.find((setting) => setting.flag === flag);
}

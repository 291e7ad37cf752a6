/**
 * The command line: `npx tributary [flags]`, `npm start -- [flags]`.
 * Flags and environment variables are the same settings (settings.ts);
 * everything is checked before anything starts, and a failure to start is
 * one line, with the stack only under --debug.
 */
import { readFileSync } from "node:fs";
import { readSwitch, SWITCH_WORDS } from "../src/settings/values.ts";
import { PROJECT_ROOT, type RunningService, type ServiceOptions, startService } from "./service.ts";
import {
  accepts,
  readSettings,
  SETTINGS,
  SettingError,
  type SettingValues,
  settingOfFlag,
} from "./settings.ts";

const VERSION = readVersion();

function readVersion(): string {
  const value: unknown = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  );
  const version = typeof value === "object" && value !== null ? Reflect.get(value, "version") : "";
  return typeof version === "string" ? version : "";
}

/** What the arguments ask for. */
export type Command =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "serve"; readonly flags: ReadonlyMap<string, string> };

/**
 * Reads the arguments: `--name value`, `--name=value`; a switch alone means
 * on (`--tls`), `--no-<name>` off, and `--<switch> off` also works.
 * Throws a SettingError for an unknown flag or a missing value.
 */
export function parseArguments(args: readonly string[]): Command {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    if (!arg.startsWith("--")) {
      throw new SettingError(`unexpected argument ${JSON.stringify(arg)}: settings are flags`);
    }
    const [name = "", inline] = splitOnce(arg.slice(2), "=");
    const negated = name.startsWith("no-") ? settingOfFlag(name.slice(3)) : undefined;
    if (negated?.kind.type === "switch" && inline === undefined) {
      flags.set(negated.name, "off");
      continue;
    }
    const setting = settingOfFlag(name);
    if (setting === undefined) throw new SettingError(`unknown flag --${name}`);
    if (inline !== undefined) {
      flags.set(setting.name, inline);
      continue;
    }
    const next = args[i + 1];
    if (setting.kind.type === "switch") {
      // `--tls` alone is on; `--tls off` names its value.
      if (next !== undefined && readSwitch(next) !== undefined) {
        flags.set(setting.name, next);
        i++;
      } else {
        flags.set(setting.name, "on");
      }
      continue;
    }
    if (next === undefined || next.startsWith("--")) {
      throw new SettingError(`--${name} needs a value: ${accepts(setting.kind)}`);
    }
    flags.set(setting.name, next);
    i++;
  }
  return { kind: "serve", flags };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** --help's text, from the settings table. */
export function usage(): string {
  const lines = [
    `Tributary ${VERSION}: the Kinesis Data Streams API on the Workers runtime, on this machine.`,
    "",
    "Usage: npx tributary [flags]     (or: npm start -- [flags])",
    "",
    "Every flag has an environment variable of the same meaning; a flag wins.",
    `Switches take ${SWITCH_WORDS.on.join("/")} or ${SWITCH_WORDS.off.join("/")}; a switch flag alone means on, --no-<flag> off.`,
    "",
  ];
  for (const setting of SETTINGS) {
    const value = setting.kind.type === "switch" ? "" : ` <${placeholder(setting)}>`;
    const fallback = setting.fallback === undefined ? "" : ` (default ${setting.fallback})`;
    lines.push(`  --${setting.flag}${value}   ${setting.name}${fallback}`);
    lines.push(`      ${setting.about}`);
  }
  lines.push("  --help, --version");
  return `${lines.join("\n")}\n`;
}

function placeholder(setting: (typeof SETTINGS)[number]): string {
  switch (setting.kind.type) {
    case "number":
      return setting.name.endsWith("_MS") ? "ms" : setting.name.includes("PORT") ? "port" : "n";
    case "choice":
      return setting.kind.words.join("|");
    case "path":
      return "path";
    default:
      return "value";
  }
}

/** The service's options from checked settings. */
export function serviceOptions(values: SettingValues): ServiceOptions {
  const get = (name: string): string | undefined => values.get(name);
  const vars: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const value = get(setting.name);
    if (setting.worker && value !== undefined) vars[setting.name] = value;
  }
  const certPath = get("TLS_CERT");
  const keyPath = get("TLS_KEY");
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new SettingError("TLS_CERT and TLS_KEY go together: give both, or neither");
  }
  const tlsOn = get("TLS") === "on" || certPath !== undefined;
  const inspector = get("TRIBUTARY_INSPECTOR_PORT");
  const wranglerConfig = get("TRIBUTARY_WRANGLER_CONFIG");
  return {
    port: Number(get("PORT") ?? "4567"),
    host: get("HOST") ?? "127.0.0.1",
    dataDir: get("KINESIS_DATA_DIR") ?? ".tributary/data",
    vars,
    ...(tlsOn
      ? { tls: certPath !== undefined && keyPath !== undefined ? { certPath, keyPath } : true }
      : {}),
    http2: get("TRIBUTARY_HTTP2") !== "off",
    ...(inspector === undefined ? {} : { inspectorPort: Number(inspector) }),
    ...(wranglerConfig === undefined ? {} : { wranglerConfig }),
  };
}

/** What the service prints once it serves: the first line is what scripts wait for. */
export function banner(service: RunningService, values: SettingValues): string {
  const lines = [
    `Tributary is serving the Kinesis API at ${service.url.origin}`,
    `Stream data is stored in ${service.dataDir}`,
  ];
  const host = values.get("HOST") ?? "127.0.0.1";
  if (host === "0.0.0.0" || host === "::") {
    lines.push(
      `Listening on every interface (${host}): other machines and containers can reach it, with no credentials checked.`,
    );
  }
  if (service.certPath !== undefined) {
    lines.push(
      `TLS: clients trust ${service.certPath} (AWS CLI: --ca-bundle; Node: NODE_EXTRA_CA_CERTS)`,
    );
  }
  lines.push(
    values.get("KINESIS_LIMITS") === "off"
      ? "Throughput limits are off (KINESIS_LIMITS=off)."
      : "Throughput limits are on, as AWS enforces them per shard; --limits off or KINESIS_LIMITS=off turns them off.",
  );
  if (values.get("LOG") === "requests") lines.push("Logging a line per request (LOG=requests).");
  return `${lines.join("\n")}\n`;
}

/** One line for a failure, and the stack under --debug. */
function report(error: unknown, debug: boolean): void {
  const line = error instanceof Error ? error.message : String(error);
  console.error(`tributary: ${line}`);
  if (debug && error instanceof Error) {
    console.error(error.stack);
    if (error.cause instanceof Error) console.error("caused by:", error.cause.stack);
  } else if (
    !(error instanceof SettingError) &&
    !(error instanceof Error && error.name === "StartError")
  ) {
    console.error("tributary: run with --debug for the stack");
  }
}

/**
 * Runs the command; resolves with the exit code once it is done. Serving, it
 * resolves only when a signal has stopped the service.
 */
export async function main(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let values: SettingValues;
  let options: ServiceOptions;
  const debug = args.includes("--debug") || readSwitch(env.TRIBUTARY_DEBUG ?? "") === true;
  try {
    const command = parseArguments(args);
    if (command.kind === "help") {
      process.stdout.write(usage());
      return 0;
    }
    if (command.kind === "version") {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    // Relative paths the user gives resolve where they ran the command;
    // npm start runs scripts in the project, and says where in INIT_CWD.
    const cwd = env.INIT_CWD ?? process.cwd();
    values = readSettings({ flags: command.flags, env, cwd, root: PROJECT_ROOT });
    options = serviceOptions(values);
  } catch (error) {
    report(error, debug);
    console.error("tributary: see --help for the settings");
    return 2;
  }

  const stopped = waitForStop();
  let service: RunningService;
  try {
    service = await Promise.race([startService(options), stopped.then(() => undefined)]).then(
      (started) => {
        if (started === undefined) throw new Error("stopped while starting");
        return started;
      },
    );
  } catch (error) {
    if (stopped.settled()) return 0;
    report(error, debug);
    return 1;
  }
  process.stdout.write(banner(service, values));
  // The runtime's process and channel do not hold this one open (so a crash
  // here never waits on them); this does, until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await stopped;
  clearInterval(keepAlive);
  const timer = setTimeout(() => {
    console.error("tributary: the service did not stop in time");
    process.exit(1);
  }, 20_000);
  timer.unref();
  await service.dispose();
  clearTimeout(timer);
  return 0;
}

interface StopSignal extends Promise<void> {
  settled(): boolean;
}

/**
 * Resolves on SIGINT, SIGTERM or SIGHUP; a second signal while stopping
 * exits at once. Under npm, a SIGTERM sent to npm alone reaches the shell npm
 * runs the script in, which exits without passing it on, so being orphaned
 * counts as a signal too.
 */
function waitForStop(): StopSignal {
  let done = false;
  const promise = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (done) {
        console.error(`tributary: ${signal} while stopping; exiting now`);
        process.exit(1);
      }
      done = true;
      resolve();
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
    if (process.env.npm_lifecycle_event !== undefined) {
      const parent = process.ppid;
      const watch = setInterval(() => {
        if (process.ppid !== parent) {
          clearInterval(watch);
          if (!done) onSignal("SIGHUP");
        }
      }, 500);
      watch.unref();
    }
  });
  return Object.assign(promise, { settled: () => done });
}

/**
 * The command line's settings: flags and environment variables mean the
 * same, every value is checked at start, and a bad one is refused with its
 * name and what it accepts.
 */
import { describe, expect, it } from "vitest";
import { parseArguments, serviceOptions, usage } from "../../local/cli.ts";
import { readSettings, SETTINGS, SettingError } from "../../local/settings.ts";

const root = "/project";
const cwd = "/home/me/work";

function settings(env: Record<string, string>, args: string[] = []) {
  const command = parseArguments(args);
  if (command.kind !== "serve") throw new Error(`not a serve command: ${command.kind}`);
  return readSettings({ flags: command.flags, env, cwd, root });
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingError) return error.message;
    throw error;
  }
  throw new Error("nothing was refused");
}

describe("switches", () => {
  it.each(["off", "OFF", "false", "0", "no", " No "])("KINESIS_LIMITS=%j turns limits off", (v) => {
    expect(settings({ KINESIS_LIMITS: v }).get("KINESIS_LIMITS")).toBe("off");
  });

  it.each(["on", "true", "1", "yes", "YES"])("KINESIS_LIMITS=%j leaves them on", (v) => {
    expect(settings({ KINESIS_LIMITS: v }).get("KINESIS_LIMITS")).toBe("on");
  });

  it("refuses any other word, naming the setting and the words it takes", () => {
    expect(refusal(() => settings({ KINESIS_LIMITS: "maybe" }))).toBe(
      'KINESIS_LIMITS is "maybe", but it takes on/true/1/yes or off/false/0/no',
    );
  });

  it("reads a switch flag alone as on, --no-<flag> as off, and --<flag> <word>", () => {
    expect(settings({}, ["--tls"]).get("TLS")).toBe("on");
    expect(settings({}, ["--no-limits"]).get("KINESIS_LIMITS")).toBe("off");
    expect(settings({}, ["--limits", "off"]).get("KINESIS_LIMITS")).toBe("off");
    expect(settings({}, ["--limits=no"]).get("KINESIS_LIMITS")).toBe("off");
  });
});

describe("numbers", () => {
  it("takes whole numbers in range", () => {
    expect(settings({ CREATE_STREAM_MS: "0", PORT: "4568" }).get("CREATE_STREAM_MS")).toBe("0");
    expect(settings({ PORT: "4568" }).get("PORT")).toBe("4568");
  });

  it.each([
    ["CREATE_STREAM_MS", "abc"],
    ["CREATE_STREAM_MS", "-1"],
    ["CREATE_STREAM_MS", "1e3"],
    ["CREATE_STREAM_MS", "0x10"],
    ["CREATE_STREAM_MS", "2.5"],
    ["PORT", "65536"],
    ["SHARD_LIMIT", "0"],
  ])("refuses %s=%j with the range it takes", (name, value) => {
    expect(refusal(() => settings({ [name]: value }))).toMatch(
      new RegExp(
        `^${name} is "${value.replace(/[.]/g, "\\.")}", but it takes a whole number from \\d+ to \\d+$`,
      ),
    );
  });
});

describe("flags and variables", () => {
  it("mean the same, and a flag wins over its variable", () => {
    const fromEnv = settings({ PORT: "4568", HOST: "0.0.0.0", KINESIS_DATA_DIR: "x", TLS: "on" });
    const fromFlags = settings({ PORT: "1" }, [
      "--port",
      "4568",
      "--host",
      "0.0.0.0",
      "--data-dir",
      "x",
      "--tls",
    ]);
    for (const name of ["PORT", "HOST", "KINESIS_DATA_DIR", "TLS"]) {
      expect(fromFlags.get(name)).toBe(fromEnv.get(name));
    }
  });

  it("resolves a path the user gives where they are, and the default under the project", () => {
    expect(settings({}, ["--data-dir", "./x"]).get("KINESIS_DATA_DIR")).toBe("/home/me/work/x");
    expect(settings({}).get("KINESIS_DATA_DIR")).toBe("/project/.tributary/data");
  });

  it("counts an empty variable as unset", () => {
    expect(settings({ PORT: "" }).get("PORT")).toBe("4567");
  });

  it("refuses an unknown flag, a flag without its value, and a bare argument", () => {
    expect(refusal(() => parseArguments(["--path", "/x"]))).toBe("unknown flag --path");
    expect(refusal(() => parseArguments(["--port"]))).toBe(
      "--port needs a value: a whole number from 0 to 65535",
    );
    expect(refusal(() => parseArguments(["4567"]))).toMatch(/^unexpected argument "4567"/);
  });

  it("asks for help before anything else is checked", () => {
    expect(parseArguments(["--help", "--port", "1", "--path", "/x"])).toEqual({ kind: "help" });
  });
});

describe("what the service is given", () => {
  it("passes the Worker's settings as vars, normalized", () => {
    const options = serviceOptions(settings({ KINESIS_LIMITS: "false", LOG: "REQUESTS" }));
    expect(options.vars.KINESIS_LIMITS).toBe("off");
    expect(options.vars.LOG).toBe("requests");
    expect(options.vars.PORT).toBeUndefined();
  });

  it("serves TLS with the user's certificate when both files are given, and refuses one alone", () => {
    const both = serviceOptions(settings({ TLS_CERT: "/c.pem", TLS_KEY: "/k.pem" }));
    expect(both.tls).toEqual({ certPath: "/c.pem", keyPath: "/k.pem" });
    expect(serviceOptions(settings({ TLS: "yes" })).tls).toBe(true);
    expect(refusal(() => serviceOptions(settings({ TLS_CERT: "/c.pem" })))).toBe(
      "TLS_CERT and TLS_KEY go together: give both, or neither",
    );
  });
});

describe("--help", () => {
  it("lists every setting with its flag, variable and default", () => {
    const text = usage();
    for (const setting of SETTINGS) {
      expect(text).toContain(`--${setting.flag}`);
      expect(text).toContain(setting.name);
    }
    expect(text).toContain("TRIBUTARY_INSPECTOR_PORT");
  });
});

describe("the README's settings table", () => {
  it("has one row per setting, with its flag, default and meaning as --help gives them", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const rows = readme
      .split("\n")
      .filter((line) => /^\| `[A-Z0-9_]+` +\| `--/.test(line))
      .map((line) =>
        line
          // Cells, split on the pipes that are not escaped (`<requests\|off>`).
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows.map((cells) => cells[0])).toEqual(SETTINGS.map((setting) => `\`${setting.name}\``));
    for (const [index, setting] of SETTINGS.entries()) {
      const cells = rows[index] ?? [];
      expect(cells[1]).toMatch(new RegExp(`^\`--${setting.flag}[ \`]`));
      expect(cells[2]).toBe(setting.fallback === undefined ? "(none)" : `\`${setting.fallback}\``);
      expect(cells[3]).toBe(setting.about);
    }
  });
});

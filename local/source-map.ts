/**
 * Errors the Worker logs name places in the bundle
 * (`file:///…/index.js:4211:17`), which nobody can read; the bundle's source
 * map turns each such place back into the source file, line and column
 * (`/…/worker/app.ts:52:9`, which terminals and editors open). workerd has
 * no source maps of its own for a Worker served this way, so the runtime
 * process rewrites the log's lines on their way to the terminal.
 */
import { SourceMap } from "node:module";
import path from "node:path";

/** A place in the bundle: the module's URL or name, line and column (1-based). */
const BUNDLE_PLACE = /(?:file:\/\/[^\s()]*\/)?\bindex\.js:(\d+):(\d+)/g;

/**
 * A function that rewrites every place of the bundle in a line of the log
 * to its source, and leaves places it can't map (and all else) as they are.
 *
 * @param sourceMap the bundle's source map, as JSON
 * @param outDir the directory the bundle was written for, which the map's sources are relative to
 */
export function sourceMapper(sourceMap: string, outDir: string): (line: string) => string {
  // Parsed only when a line first names the bundle: most runs log no error,
  // and a parsed map holds every mapping of the bundle in memory.
  let map: SourceMap | null | undefined;
  const parsed = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(sourceMap));
      } catch {
        map = null;
      }
    }
    return map;
  };
  return (line) =>
    line.replace(BUNDLE_PLACE, (place, line1: string, column1: string) => {
      const entry = parsed()?.findEntry(Number(line1) - 1, Number(column1) - 1);
      if (entry === undefined || !("originalSource" in entry)) return place;
      if (typeof entry.originalSource !== "string") return place;
      const source = path.resolve(outDir, entry.originalSource.replace(/^file:\/\//, ""));
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
}

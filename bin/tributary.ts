#!/usr/bin/env node
// The `tributary` command (npx tributary, npm start). It needs Node 24, which
// runs TypeScript directly: under npm and npx the project's pinned Node comes
// first on the PATH. See local/cli.ts.
import { main } from "../local/cli.ts";

process.exit(await main(process.argv.slice(2), process.env));

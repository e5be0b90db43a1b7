#!/usr/bin/env node
/**
 * The `db-expert` command (dist/cli.js): `db-expert server …` loads the language server's bundle
 * and nothing else, so that an editor's server starts without the command line's bundle (the whole
 * engine, which the server runs in its worker); every other command runs the command line
 * (dist/cli-main.js, from main.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const load = createRequire(__filename);
const server = join(__dirname, 'server.js');
// The server starts itself when loaded and reads its transport (--stdio …) from process.argv.
if (process.argv[2] === 'server' && existsSync(server)) load(server);
else load(join(__dirname, 'cli-main.js'));

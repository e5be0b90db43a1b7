/**
 * The language server's entry point (bundled as `dist/server.js`; also what `db-expert server
 * --stdio` loads). The transport comes from the command line: --stdio, --node-ipc or --socket=N.
 * Logs go to the client's output channel; nothing may be written to stdout, which carries the
 * protocol.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './session';

const connection = createConnection(ProposedFeatures.all);

const report = (what: string) => (e: unknown) => {
  connection.console.error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
};
process.on('uncaughtException', report('Uncaught exception in the language server'));
process.on('unhandledRejection', report('Unhandled rejection in the language server'));

startServer(connection);

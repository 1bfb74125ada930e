import '../core/memory/young-generation-at-start.js';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../core/composition-root.js';
import { createLogger } from '../core/logging/logger.js';
import { createTransportFactory } from '../core/whatsapp/transport-factory.js';
import { loadOrCreateAccessToken } from './access-token.js';
import { startHeadlessServer } from './headless-server.js';
import { simulatorOptionsFromEnv } from './simulator-env.js';
import { whatsAppServerFromEnv } from './whatsapp-server-env.js';

const usage = `Usage: npm run serve -- [options]

Runs the console without a window and serves it to a browser on this machine.

  --port <n>         port to listen on (default 5174; 0 picks a free one)
  --host <address>   address to bind (default 127.0.0.1)
  --allow-remote     required to bind an address other than loopback
  --data-dir <path>  where the database and WhatsApp sessions live
                     (default $CONSOLE_DATA_DIR or ~/.local/share/whatsapp-operator-console)
  --new-token        replace the stored access token (old URLs stop working)
  --test-hooks       for automated tests only: read CONSOLE_SIMULATOR (tuning and
                     holding the demo account's sends) and CONSOLE_WHATSAPP_SERVER
                     (a local WhatsApp-protocol server for real accounts), and
                     check every answer against the contract
  --help             show this help`;

function defaultDataDir(): string {
  if (process.env.CONSOLE_DATA_DIR) return process.env.CONSOLE_DATA_DIR;
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'whatsapp-operator-console');
}

function readVersion(here: string): string {
  for (const candidate of [join(here, '..', '..', 'package.json'), join(here, '..', 'package.json')]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (source tree vs. build output)
    }
  }
  return '0.0.0';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5174' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-remote': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      'new-token': { type: 'boolean', default: false },
      'test-hooks': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not ${values.port}`);

  const here = dirname(fileURLToPath(import.meta.url));
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const rendererDir = resolve(values['renderer-dir'] ?? join(here, '..', 'renderer'));
  const logger = createLogger();
  // Test hooks only on request: a console someone runs never holds sends because a variable
  // happened to be set in their shell.
  const testHooks = values['test-hooks'];
  for (const hook of ['CONSOLE_SIMULATOR', 'CONSOLE_WHATSAPP_SERVER'])
    if (!testHooks && process.env[hook]) logger.warn(`${hook} is ignored: it is a test hook, read only with --test-hooks`);

  const core = createCore({
    shell: 'headless',
    dataDir,
    appVersion: readVersion(here),
    logger,
    whatsApp: createTransportFactory(
      testHooks
        ? {
            simulator: simulatorOptionsFromEnv(process.env.CONSOLE_SIMULATOR),
            baileysWebSocketUrl: whatsAppServerFromEnv(process.env.CONSOLE_WHATSAPP_SERVER),
          }
        : {},
    ),
    validateOutputs: testHooks,
  });
  core.start();
  const token = loadOrCreateAccessToken(dataDir, values['new-token']);
  const server = await startHeadlessServer({
    core,
    rendererDir,
    token,
    host: values.host,
    port,
    logger: logger.child({ module: 'headless' }),
    allowRemote: values['allow-remote'],
  });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await server.close();
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // The one line a person (or a test) needs; on stdout so it is easy to find among JSON logs.
  // Printed last, once a stop signal is handled cleanly: whoever reads it may send one at once.
  process.stdout.write(`\nConsole ready at ${server.url}\nData folder: ${dataDir}\n\n`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`The console could not start: ${message}\n`);
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write(`${usage}\n`);
  process.exit(1);
});

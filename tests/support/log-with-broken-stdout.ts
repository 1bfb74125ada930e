// Run as a child process: fd 1 becomes a descriptor that exists but refuses writes
// (EBADF), as stdout does in a windowed Windows app, then logs two lines either the
// default way (stdout) or into a log file in the folder given as the second argument.
import { closeSync, openSync, writeSync } from 'node:fs';
import { createFileLogger } from '../../app/core/logging/log-file.js';
import { createLogger } from '../../app/core/logging/logger.js';

closeSync(1);
openSync(process.platform === 'win32' ? 'NUL' : '/dev/null', 'r'); // takes the lowest free fd: 1

// Electron shows an error dialog for each uncaught exception; here it is reported and ends the run.
process.on('uncaughtException', (error) => {
  writeSync(2, `uncaught exception: ${error.message}\n`);
  process.kill(process.pid, 'SIGKILL');
});

const [mode, folder] = process.argv.slice(2);
if (mode === 'file' && folder) {
  // As the Electron shell does: copy to stdout only when it is a terminal.
  const { logger, flush } = await createFileLogger({ folder, alsoToStdout: process.stdout.isTTY === true });
  logger.info('first line');
  logger.info('second line');
  flush();
} else {
  const logger = createLogger();
  logger.info('first line');
  logger.info('second line');
}

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { createLogger, type Logger } from './logger.js';

const require = createRequire(import.meta.url);

interface RollingStream extends DestinationStream, NodeJS.EventEmitter {
  /** The file written now; it changes when the log rolls over. */
  readonly file: string | null;
  flushSync(): void;
  end(): void;
}
// pino-roll ships no type declarations; this is the part of its API used here.
const pinoRoll = require('pino-roll') as (options: {
  file: string;
  extension: string;
  size: string;
  limit: { count: number };
  mkdir: boolean;
  sync: boolean;
}) => Promise<RollingStream>;

export interface LogFileOptions {
  /** The OS's log folder for this app; created when missing. */
  folder: string;
  level?: string;
  /** Also write to this process's stdout (a terminal in development). */
  alsoToStdout?: boolean;
  /** Size at which the file rolls over, in pino-roll's notation ("5m"). */
  maxSize?: string;
  /** Rolled-over files kept besides the current one. */
  keep?: number;
}

export interface FileLogger {
  logger: Logger;
  readonly folder: string;
  /** The file being written now. */
  currentFile(): string;
  /** Writes out what is buffered; call before the process exits. */
  flush(): void;
}

/**
 * JSON lines into numbered, size-capped files (main.1.log, main.2.log, …) in the given
 * folder. A windowed app may have no usable stdout at all (a GUI process on Windows gets a
 * dummy fd 1 whose writes fail with EBADF), so the file is the log's home; a failed write
 * is dropped instead of becoming an uncaught error, since logging must never stop the app.
 */
export async function createFileLogger(options: LogFileOptions): Promise<FileLogger> {
  const file = await pinoRoll({
    file: join(options.folder, 'main'),
    extension: '.log',
    size: options.maxSize ?? '5m',
    limit: { count: options.keep ?? 4 },
    mkdir: true,
    // Synchronous writes: a desktop console logs little, and an asynchronous stream can
    // reorder lines when flushed while a write is in flight, or lose the last lines when the
    // process dies; each line is on disk once the call returns.
    sync: true,
  });
  file.on('error', () => undefined);
  if (!file.file) await once(file, 'ready'); // opened in the background; its name is known once open
  let destination: DestinationStream = file;
  if (options.alsoToStdout) {
    const stdout = pino.destination({ fd: 1, sync: false });
    stdout.on('error', () => undefined);
    // Each stream takes every line; the logger's own level decides what is written.
    destination = pino.multistream([
      { level: 'trace', stream: file },
      { level: 'trace', stream: stdout },
    ]);
  }
  return {
    logger: createLogger({ level: options.level, destination }),
    folder: options.folder,
    currentFile: () => file.file ?? join(options.folder, 'main.1.log'),
    flush: () => {
      try {
        file.flushSync();
      } catch {
        // Nothing buffered, or the file is gone: nothing left to save.
      }
    },
  };
}

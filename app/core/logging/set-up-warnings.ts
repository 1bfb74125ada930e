import type { Logger } from './logger.js';

/**
 * Warnings a library gives about its own configuration each time it builds a connection.
 * Baileys says "DISABLING ALL SYNC" for every socket, so once per retry of an account that is
 * offline; the first one tells the reader all there is to know.
 */
const setUpWarnings: readonly RegExp[] = [/DISABLING ALL SYNC/];

// Process-wide: every retry builds a new socket with a new child logger.
const alreadySaid = new Set<RegExp>();

/** The same logger, whose `warn` lets each configuration warning through once per process. */
export function withSetUpWarningsOnce(logger: Logger, said: Set<RegExp> = alreadySaid): Logger {
  const warn = logger.warn.bind(logger) as (...args: unknown[]) => void;
  logger.warn = ((...args: unknown[]) => {
    const text = args.find((arg): arg is string => typeof arg === 'string');
    const known = text === undefined ? undefined : setUpWarnings.find((pattern) => pattern.test(text));
    if (known) {
      if (said.has(known)) return;
      said.add(known);
    }
    warn(...args);
  }) as Logger['warn'];
  return logger;
}

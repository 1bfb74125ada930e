import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { scrub, scrubText } from './redact.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; stdout when omitted. */
  destination?: DestinationStream;
}

/** JSON lines with personal data scrubbed from both the fields and the message. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination,
  );
}

export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

import { setFlagsFromString } from 'node:v8';

/**
 * V8 doubles its young generation each time a burst of allocation survives (up to 16 MB per
 * semi-space, 32 MB committed) and keeps it: linking a WhatsApp account and syncing ten
 * 1,024-member groups grows it to the full 32 MB, of which about 3 MB is in use afterwards.
 * The core is long-lived and idle most of the time, so a growth factor of 1 keeps the young
 * generation at its initial size (1 MB); the trade is more frequent, smaller scavenges.
 *
 * Set at run time, not on the command line: Electron's main process only takes V8 flags from
 * a `--js-flags` switch typed at launch (app.commandLine.appendSwitch('js-flags') reaches the
 * renderers only, and a packaged app ignores NODE_OPTIONS when its fuse is off). V8 reads this
 * flag each time it grows the space, so setting it from JavaScript works where
 * --max-semi-space-size, read once when the heap is set up, does not. Electron leaves V8's
 * flags unfrozen in its main process, so the call is allowed there too.
 */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

const SIZING_FLAG = /--(semi[-_]space[-_]growth[-_]factor|max[-_]semi[-_]space[-_]size)\b/;

/** Whoever starts the process may size the young generation themselves; their flag wins. */
export function youngGenerationSizedByCaller(commandLine: readonly string[], nodeOptions: string | undefined): boolean {
  return [...commandLine, nodeOptions ?? ''].some((part) => SIZING_FLAG.test(part));
}

/** Returns whether the flag was set (false when the caller sized the young generation). */
export function keepYoungGenerationSmall(
  commandLine: readonly string[] = [...process.execArgv, ...process.argv],
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  if (youngGenerationSizedByCaller(commandLine, nodeOptions)) return false;
  setFlagsFromString(YOUNG_GENERATION_FLAG);
  return true;
}

import { z } from 'zod';
import type { SimulatorOptions } from '../core/whatsapp/simulator/simulated-transport.js';

/**
 * Tests and benchmarks tune the demo account of a headless console through one
 * environment variable, read only when the console is started with --test-hooks;
 * otherwise the demo behaves as users see it.
 * Example: CONSOLE_SIMULATOR='{"scanDelayMs":500,"groups":"10x1024","holdSends":true}'
 */
const SimulatorEnvSchema = z
  .object({
    scanDelayMs: z.number().int().nonnegative(),
    churnIntervalMs: z.number().int().positive().nullable(),
    ackDelayMs: z.number().int().nonnegative(),
    holdSends: z.boolean(),
    /** "<count>x<members>": that many LID-addressed groups of that size. */
    groups: z.string().regex(/^\d+x\d+$/),
  })
  .partial()
  .strict();

export function simulatorOptionsFromEnv(value: string | undefined): Partial<SimulatorOptions> {
  if (!value) return {};
  const parsed = SimulatorEnvSchema.parse(JSON.parse(value));
  const { groups, ...rest } = parsed;
  if (!groups) return rest;
  const [count, members] = groups.split('x').map(Number) as [number, number];
  return {
    ...rest,
    groups: Array.from({ length: count }, (_, index) => ({
      subject: `Load group ${index + 1}`,
      members,
      addressing: 'lid' as const,
      unknownPhoneShare: 0.1,
    })),
  };
}

import { createDb } from './db.ts';
import { createFlutterwaveClient } from './flutterwave.ts';
import { createGraphClient } from './graph-client.ts';
import { createLog } from './log.ts';
import type { PaymentConfig } from './payment-config.ts';
import type { PaymentDeps } from './payments.ts';

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

/** On Supabase the worker is kept alive for work after the response only when told so. */
export function keepAlive(promise: Promise<unknown>): void {
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime.waitUntil(promise);
}

/** One database pool, Flutterwave client (and its token cache) and Graph client per function instance. */
export function createPaymentDeps(config: PaymentConfig, name: string): PaymentDeps {
  return {
    sql: createDb(config.databaseUrl, config.dbPoolSize),
    flutterwave: createFlutterwaveClient(config.flutterwave),
    graph: createGraphClient(config.graph),
    log: createLog(name),
  };
}

import { describe, expect, it } from 'vitest';
import { type FunctionsEnv, startFunctions } from '../dev/functions-server';
import { denoRequirement } from './support/requirements';

const deno = denoRequirement();

/** What the functions server refuses to start with `env` (null if it started). */
function refusal(env: FunctionsEnv): Promise<Error | null> {
  return startFunctions(env, { quiet: true }).then(
    () => null,
    (e: unknown) => e as Error,
  );
}

describe.skipIf(!deno.available)('function configuration', () => {
  it('refuses to start without its secrets, naming the variables but never printing values', async () => {
    const token = 'graph-token-that-must-not-be-logged';
    const error = await refusal({
      SUPABASE_DB_URL: 'postgres://postgres@127.0.0.1:1/postgres',
      WHATSAPP_APP_SECRET: '',
      GRAPH_API_BASE_URL: 'not a url',
      GRAPH_API_TOKEN: token,
      PUBLIC_SITE_URL: 'https://shop.example.test',
    });
    expect(error?.message).toMatch(/Deno exited with code \d+ before listening/);
    expect(error?.message).toContain('Invalid function configuration');
    expect(error?.message).toContain('WHATSAPP_APP_SECRET');
    expect(error?.message).toContain('GRAPH_API_BASE_URL');
    expect(error?.message).not.toContain(token);
  });

  it('refuses to start the payment functions without Flutterwave credentials and secrets, naming them', async () => {
    const secretKey = 'FLWSECK-must-not-be-logged';
    const error = await refusal({
      SUPABASE_DB_URL: 'postgres://postgres@127.0.0.1:1/postgres',
      WHATSAPP_APP_SECRET: 'app-secret',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:1',
      GRAPH_API_TOKEN: 'token',
      PUBLIC_SITE_URL: 'https://shop.example.test',
      FLUTTERWAVE_BASE_URL: 'not a url',
      FLUTTERWAVE_SECRET_KEY: secretKey,
      RECONCILE_PAYMENTS_SECRET: 'short',
    });
    expect(error?.message).toContain('Invalid payment function configuration');
    for (const name of ['FLUTTERWAVE_BASE_URL', 'FLUTTERWAVE_WEBHOOK_SECRET_HASH', 'RECONCILE_PAYMENTS_SECRET'])
      expect(error?.message).toContain(name);
    expect(error?.message).not.toContain(secretKey);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { postgresBinariesPresent, postgresExtensionAvailable } from '../dev/postgres-cluster';
import { pgCronRequirement } from './support/requirements';

const here = postgresBinariesPresent() && postgresExtensionAvailable('pg_cron');

afterEach(() => vi.unstubAllEnvs());

describe.skipIf(!here)('the pg_cron suite where DATABASE_URL names a shared server', () => {
  it('still runs, on a throwaway cluster from the local binaries, instead of skipping even under CI', () => {
    vi.stubEnv('DATABASE_URL', 'postgres://postgres@127.0.0.1:1/postgres');
    vi.stubEnv('CI', 'true');
    expect(pgCronRequirement()).toEqual({ available: true, reason: '' });
  });
});

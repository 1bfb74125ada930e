import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { createCore } from '../composition-root.js';
import { openDatabase, type Database } from '../database/open-database.js';
import { createSilentLogger } from '../logging/logger.js';
import { SessionAuthStore } from '../whatsapp/auth-store.js';
import { SessionRepository } from '../whatsapp/session-repository.js';
import type { SecretStore } from './secret-store.js';
import { retireUnreadableCredentials, UNREADABLE_CREDENTIALS_REASON } from './unreadable-credentials.js';
import { ValueCipher } from './value-cipher.js';

let dir: ReturnType<typeof makeTempDir>;
let db: Database;
const now = '2026-11-22T08:00:00.000Z';
const oldKey = randomBytes(32);

beforeEach(() => {
  dir = makeTempDir();
  db = openDatabase({ path: join(dir.path, 'console.sqlite') }).db;
  const sessions = new SessionRepository(db);
  sessions.insert({ id: 'wa_1', label: 'Front desk', transport: 'baileys', state: 'open' }, now);
  new SessionAuthStore(db, new ValueCipher(oldKey), 'wa_1').set([{ category: 'creds', id: 'creds', value: '{"me":{}}' }]);
});
afterEach(() => {
  if (db.open) db.close();
  dir.remove();
});

const authRows = () => (db.prepare('SELECT count(*) AS n FROM whatsapp_auth').get() as { n: number }).n;
const session = () => new SessionRepository(db).get('wa_1');

describe('credentials the current key cannot open', () => {
  it('are wiped and their account waits, logged out, to be linked again', () => {
    expect(retireUnreadableCredentials(db, new ValueCipher(randomBytes(32)), now)).toEqual(['wa_1']);
    expect(authRows()).toBe(0);
    expect(session()).toMatchObject({ state: 'logged-out', state_reason: UNREADABLE_CREDENTIALS_REASON });
  });

  it('are left alone when the key is the one that sealed them', () => {
    expect(retireUnreadableCredentials(db, new ValueCipher(oldKey), now)).toEqual([]);
    expect(authRows()).toBe(1);
    expect(session()?.state).toBe('open');
  });

  it('are not touched while the key store is locked (the keyring is away), and the accounts do not connect', async () => {
    db.close();
    const locked: SecretStore = { protection: 'os-keyring', warning: 'locked', locked: true, loadDataKey: () => randomBytes(32) };
    const core = createCore({
      shell: 'electron',
      dataDir: dir.path,
      appVersion: '1.0.0',
      logger: createSilentLogger(),
      secretStore: locked,
    });
    core.start();
    const sessions = await core.invoke('sessions:list', {});
    await core.stop();
    expect(sessions).toMatchObject({ ok: true, value: [{ id: 'wa_1', state: 'open' }] });
    db = openDatabase({ path: join(dir.path, 'console.sqlite') }).db;
    expect(authRows()).toBe(1);
  });

  it('do not stop the app from starting: the core opens and reports the account to relink', async () => {
    db.close();
    const fresh: SecretStore = { protection: 'os-keyring', warning: null, loadDataKey: () => randomBytes(32) };
    const core = createCore({
      shell: 'electron',
      dataDir: dir.path,
      appVersion: '1.0.0',
      logger: createSilentLogger(),
      secretStore: fresh,
    });
    const sessions = await core.invoke('sessions:list', {});
    await core.stop();
    expect(sessions).toMatchObject({
      ok: true,
      value: [{ id: 'wa_1', state: 'logged-out', needsAttention: true, reason: UNREADABLE_CREDENTIALS_REASON }],
    });
  });
});

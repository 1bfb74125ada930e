import {
  addTransactionCapability,
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  generateSignalPubKey,
  makeCacheableSignalKeyStore,
} from '@whiskeysockets/baileys';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { openDatabase } from '../../database/open-database.js';
import { createSilentLogger } from '../../logging/logger.js';
import { KeyFileSecretStore } from '../../secrets/key-file-secret-store.js';
import { ValueCipher } from '../../secrets/value-cipher.js';
import { SessionAuthStore } from '../auth-store.js';
import { loadBaileysAuthState } from './baileys-auth-state.js';

const ALICE = { session: 'wa_00000000-0000-0000-0000-00000000000a', jid: '919818861043@s.whatsapp.net' };
const BOB = { session: 'wa_00000000-0000-0000-0000-00000000000b', jid: '256772123456@s.whatsapp.net' };
let dir: ReturnType<typeof makeTempDir>;
let dbPath: string;

beforeEach(() => {
  dir = makeTempDir();
  dbPath = join(dir.path, 'console.sqlite');
});
afterEach(() => dir.remove());

/** Opens the database as the console does, with the key from the key file. */
function open() {
  const { db } = openDatabase({ path: dbPath });
  const cipher = new ValueCipher(new KeyFileSecretStore(join(dir.path, 'secret.key')).loadDataKey());
  for (const { session } of [ALICE, BOB]) {
    db.prepare(
      "INSERT OR IGNORE INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES (?, ?, 'baileys', 'open', '', '')",
    ).run(session, session);
  }
  const party = (session: string) => {
    const { state, saveCreds } = loadBaileysAuthState(new SessionAuthStore(db, cipher, session));
    const logger = createSilentLogger();
    // Wrapped as makeWASocket wraps it: cache plus transactions over our store.
    const keys = addTransactionCapability(makeCacheableSignalKeyStore(state.keys, logger), logger, {
      maxCommitRetries: 3,
      delayBetweenTriesMs: 10,
    });
    return { state, saveCreds, repository: DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds: state.creds, keys }, logger) };
  };
  return { db, alice: party(ALICE.session), bob: party(BOB.session) };
}

describe('auth state in SQLite', () => {
  it('keeps Signal sessions across a restart: real encryption through Baileys’ signal repository', async () => {
    const first = open();
    first.alice.saveCreds();
    first.bob.saveCreds();
    const preKey = Curve.generateKeyPair();
    await first.bob.state.keys.set({ 'pre-key': { '7': preKey } });
    const bobCreds = first.bob.state.creds;
    await first.alice.repository.injectE2ESession({
      jid: BOB.jid,
      session: {
        registrationId: bobCreds.registrationId,
        identityKey: generateSignalPubKey(bobCreds.signedIdentityKey.public),
        signedPreKey: {
          keyId: bobCreds.signedPreKey.keyId,
          publicKey: generateSignalPubKey(bobCreds.signedPreKey.keyPair.public),
          signature: bobCreds.signedPreKey.signature,
        },
        preKey: { keyId: 7, publicKey: generateSignalPubKey(preKey.public) },
      },
    });
    const hello = await first.alice.repository.encryptMessage({ jid: BOB.jid, data: Buffer.from('hello before restart') });
    expect(Buffer.from(await first.bob.repository.decryptMessage({ jid: ALICE.jid, ...hello })).toString()).toBe('hello before restart');
    first.db.close();

    // A new process: everything comes back from the database file.
    const second = open();
    expect(second.bob.state.creds.registrationId).toBe(bobCreds.registrationId);
    const again = await second.alice.repository.encryptMessage({ jid: BOB.jid, data: Buffer.from('hello after restart') });
    expect(Buffer.from(await second.bob.repository.decryptMessage({ jid: ALICE.jid, ...again })).toString()).toBe('hello after restart');
    const reply = await second.bob.repository.encryptMessage({ jid: ALICE.jid, data: Buffer.from('reply') });
    expect(reply.type).toBe('msg');
    expect(Buffer.from(await second.alice.repository.decryptMessage({ jid: BOB.jid, ...reply })).toString()).toBe('reply');
    second.db.close();
  });

  it('writes no plaintext key material to the database file', async () => {
    const { db, alice } = open();
    alice.saveCreds();
    const preKey = Curve.generateKeyPair();
    await alice.state.keys.set({
      'pre-key': { '1': preKey },
      'app-state-sync-key': { AAAA: { keyData: Buffer.from('app-state-key-material') } },
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const file = readFileSync(dbPath);
    const secrets = [
      Buffer.from(alice.state.creds.noiseKey.private),
      Buffer.from(alice.state.creds.signedIdentityKey.private),
      Buffer.from(preKey.private),
    ];
    for (const secret of secrets) {
      expect(file.includes(secret)).toBe(false);
      expect(file.includes(Buffer.from(secret.toString('base64')))).toBe(false);
    }
    for (const marker of ['noiseKey', 'signedIdentityKey', 'advSecretKey', 'app-state-key-material']) {
      expect(file.includes(Buffer.from(marker)), marker).toBe(false);
    }
  });

  it('deletes keys set to null and revives app-state-sync keys as protobuf objects', async () => {
    const { db, alice } = open();
    await alice.state.keys.set({ session: { 'a.0': Buffer.from([1, 2, 3]) }, 'app-state-sync-key': { K1: { keyData: Buffer.from([9]) } } });
    expect(await alice.state.keys.get('session', ['a.0'])).toEqual({ 'a.0': Buffer.from([1, 2, 3]) });
    const appKey = (await alice.state.keys.get('app-state-sync-key', ['K1'])).K1;
    expect(appKey?.constructor.name).toBe('AppStateSyncKeyData');
    await alice.state.keys.set({ session: { 'a.0': null } });
    expect(await alice.state.keys.get('session', ['a.0'])).toEqual({});
    db.close();
  });

  it('refuses a value moved onto another row (ciphertexts are bound to their row)', () => {
    const { db } = open();
    const cipher = new ValueCipher(new KeyFileSecretStore(join(dir.path, 'secret.key')).loadDataKey());
    const store = new SessionAuthStore(db, cipher, ALICE.session);
    store.set([{ category: 'pre-key', id: '1', value: '"one"' }]);
    db.prepare("UPDATE whatsapp_auth SET key_id = '2' WHERE key_id = '1'").run();
    expect(() => store.get('pre-key', ['2'])).toThrow();
    db.close();
  });
});

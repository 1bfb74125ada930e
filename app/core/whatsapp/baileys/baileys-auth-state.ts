import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { AuthEntry, SessionAuthStore } from '../auth-store.js';

const CREDS = { category: 'creds', id: 'creds' } as const;

/**
 * Baileys' auth state over our encrypted SQLite store, in place of useMultiFileAuthState
 * (a template, not for production). Values go through BufferJSON so byte arrays survive;
 * app-state-sync keys are revived as protobuf objects, as Baileys expects.
 */
export function loadBaileysAuthState(store: SessionAuthStore): { state: AuthenticationState; saveCreds(): void } {
  const stored = store.get(CREDS.category, [CREDS.id]).get(CREDS.id);
  const creds: AuthenticationCreds = stored ? (JSON.parse(stored, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();
  if (creds.me && !creds.account) {
    // A pairing-code request writes `me` before any phone confirmed it; with `me` set Baileys
    // logs in instead of registering, and WhatsApp refuses a device it never paired (401).
    delete creds.me;
    delete creds.pairingCode;
  }

  const keys: SignalKeyStore = {
    get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const [id, json] of store.get(type, ids)) {
        let value: unknown = JSON.parse(json, BufferJSON.reviver);
        if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        found[id] = value as SignalDataTypeMap[T];
      }
      return found;
    },
    set(data: SignalDataSet) {
      const entries: AuthEntry[] = [];
      for (const [category, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          entries.push({ category, id, value: value === null || value === undefined ? null : JSON.stringify(value, BufferJSON.replacer) });
        }
      }
      store.set(entries);
    },
    clear() {
      store.clear();
    },
  };

  return {
    state: { creds, keys },
    saveCreds: () => store.set([{ ...CREDS, value: JSON.stringify(creds, BufferJSON.replacer) }]),
  };
}

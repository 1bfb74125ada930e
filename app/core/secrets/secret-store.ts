/**
 * Where the key that encrypts WhatsApp credentials at rest comes from. The Electron shell
 * keeps it wrapped by the OS keyring (safeStorage); the headless shell keeps it in a key
 * file readable only by its owner. Either way the database alone reveals nothing.
 */
export interface SecretStore {
  /** 32 random bytes, the same on every start; created on first use. */
  loadDataKey(): Buffer;
  /** How the key is protected, shown in Health so a weak setup is never silent. */
  readonly protection: 'os-keyring' | 'key-file';
  readonly warning: string | null;
  /**
   * The key that protects the stored credentials cannot be read now (its keyring is not
   * available): `loadDataKey` gives a temporary key, and the core leaves the accounts
   * untouched and unconnected until a restart with the keyring back.
   */
  readonly locked?: boolean;
}

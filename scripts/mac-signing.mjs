// On Apple Silicon every binary must carry a valid signature. electron-builder flips the
// Electron fuses, which invalidates Electron's own signature, and then signs only when it
// finds a certificate; without one the app would be killed at launch. So builds made
// without a Developer ID are signed ad hoc: they run on the machine that built them, and
// Gatekeeper still blocks copies downloaded elsewhere (that needs signing + notarization).

/** What `security find-identity -v -p codesigning` lists that electron-builder can use. */
export function hasDeveloperId(identities) {
  return /"Developer ID Application: /.test(identities);
}

/**
 * Extra electron-builder arguments for signing. A certificate given through CSC_LINK or
 * CSC_NAME, or one found in the keychain, wins; CSC_IDENTITY_AUTO_DISCOVERY=false turns
 * the search off, as it does in electron-builder.
 */
export function macSigningArgs({ platform, env, identities }) {
  if (platform !== 'darwin') return { args: [], note: null };
  if (env.CSC_LINK || env.CSC_NAME) return { args: [], note: null };
  if (env.CSC_IDENTITY_AUTO_DISCOVERY !== 'false' && hasDeveloperId(identities)) return { args: [], note: null };
  return {
    args: ['--config.mac.identity=-'],
    note: 'No Developer ID certificate: signing ad hoc. The app runs on this Mac; to distribute it, sign and notarize (README, "Building installers").',
  };
}

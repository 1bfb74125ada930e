/**
 * The app's id: electron-builder.yml's appId, which the Windows installer also writes into
 * its shortcuts as their AppUserModelID. Windows shows a notification only when the
 * process's AppUserModelID matches a shortcut's, so the two must stay equal.
 */
export const APP_ID = 'org.operatorconsole.whatsapp';

/** Development runs are the bare electron.exe, which has no shortcut of ours. */
export function appUserModelId(isPackaged: boolean, execPath: string): string {
  return isPackaged ? APP_ID : execPath;
}

/**
 * Development keeps its own data folder: sharing the installed app's would share its
 * single-instance lock, its database (a newer dev schema locks the installed app out)
 * and its keychain entry, signed differently in each build.
 */
export function userDataFolder(defaultFolder: string, isPackaged: boolean): string {
  return isPackaged ? defaultFolder : `${defaultFolder} (dev)`;
}

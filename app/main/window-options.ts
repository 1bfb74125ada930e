import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The security baseline of every window; a test asserts each flag. */
export function secureWebPreferences(preloadPath: string, isPackaged: boolean): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    devTools: !isPackaged,
  };
}

export function mainWindowOptions(preloadPath: string, isPackaged: boolean, iconPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'WhatsApp Operator Console',
    icon: iconPath,
    backgroundColor: '#0f1720',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath, isPackaged),
  };
}

import { shell, type App } from 'electron';
import { isAllowedExternalUrl } from './external-links.js';

/**
 * Applied to every web contents the app ever creates: no navigation away from the UI, no
 * new windows (allowed links open in the user's browser), no webviews, no permissions
 * but writing to the clipboard from our own pages.
 */
export function hardenWebContents(app: App, isOwnUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isOwnUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

import type { Session } from 'electron';

type Permission = Parameters<Parameters<Session['setPermissionRequestHandler']>[0] & object>[1];

/**
 * The one permission the UI needs: writing to the clipboard ("Copy" buttons), which
 * Chromium asks for before every navigator.clipboard.writeText. Only for our own pages;
 * everything else, reading the clipboard included, stays denied.
 */
export function isPermissionGranted(permission: Permission, requestingUrl: string, isOwnUrl: (url: string) => boolean): boolean {
  return permission === 'clipboard-sanitized-write' && isOwnUrl(requestingUrl);
}

export function restrictPermissions(session: Session, isOwnUrl: (url: string) => boolean): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl, isOwnUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, origin, details) =>
    isPermissionGranted(permission, details.requestingUrl ?? origin, isOwnUrl),
  );
  session.setDevicePermissionHandler(() => false);
}

import { Menu, Tray, nativeImage } from 'electron';
import type { TrayStatus } from './tray-status.js';

export interface TrayActions {
  open(): void;
  quit(): void;
}

export interface ConsoleTray {
  update(status: TrayStatus): void;
}

/** The console lives on in the tray after its window closes; later issues add to the menu. */
export function createTray(iconPath: string, actions: TrayActions, initial: TrayStatus): ConsoleTray {
  const icon = nativeImage.createFromPath(iconPath).resize({ width: 18, height: 18 });
  const tray = new Tray(icon);
  tray.on('click', actions.open);
  const update = (status: TrayStatus) => {
    tray.setToolTip(status.tooltip);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status.label, enabled: false },
        { type: 'separator' },
        { label: 'Open console', click: actions.open },
        { type: 'separator' },
        { label: 'Quit', click: actions.quit },
      ]),
    );
  };
  update(initial);
  return { update };
}

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayModel } from './tray-menu-model.js';

export type TrayActionId = 'open' | 'pause' | 'resume' | 'quit';

export interface ConsoleTray {
  update(model: TrayModel): void;
}

/** The console lives on in the tray after its window closes and keeps sending from there. */
export function createTray(iconPath: string, onAction: (id: TrayActionId) => void): ConsoleTray {
  const icon = nativeImage.createFromPath(iconPath).resize({ width: 18, height: 18 });
  const tray = new Tray(icon);
  tray.on('click', () => onAction('open'));
  // A menu from the start: the first real one follows once the core has answered.
  tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Open the console', click: () => onAction('open') }]));
  const update = (model: TrayModel) => {
    tray.setToolTip(model.tooltip);
    const template: MenuItemConstructorOptions[] = model.items.map((item) =>
      item.kind === 'separator'
        ? { type: 'separator' }
        : item.kind === 'info'
          ? { label: item.label, enabled: false }
          : { label: item.label, click: () => onAction(item.id) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  return { update };
}

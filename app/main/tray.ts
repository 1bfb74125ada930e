import { app, Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { TrayModel } from './tray-menu-model.js';

export type TrayActionId = 'open' | 'pause' | 'resume' | 'quit';

export interface ConsoleTray {
  update(model: TrayModel): void;
  /** New customer messages and paid orders; 0 clears it. */
  badge(count: number): void;
}

/** The console lives on in the tray after its window closes and keeps sending from there. */
export function createTray(iconPath: string, onAction: (id: TrayActionId) => void): ConsoleTray {
  const icon = nativeImage.createFromPath(iconPath).resize({ width: 18, height: 18 });
  const tray = new Tray(icon);
  tray.on('click', () => onAction('open'));
  // A menu from the start: the first real one follows once the core has answered.
  tray.setContextMenu(Menu.buildFromTemplate([{ label: 'Open the console', click: () => onAction('open') }]));
  let tooltip = '';
  let count = 0;
  const showTooltip = () => tray.setToolTip(count > 0 ? `${tooltip} · ${count} new in the shop` : tooltip);
  // The dock or launcher badge where the desktop has one (macOS, Unity launchers) and the
  // number beside the menu-bar icon on macOS; elsewhere the tooltip says it.
  const badge = (next: number) => {
    count = next;
    app.setBadgeCount(next);
    if (process.platform === 'darwin') tray.setTitle(next > 0 ? String(next) : '');
    showTooltip();
  };
  const update = (model: TrayModel) => {
    tooltip = model.tooltip;
    showTooltip();
    const template: MenuItemConstructorOptions[] = model.items.map((item) =>
      item.kind === 'separator'
        ? { type: 'separator' }
        : item.kind === 'info'
          ? { label: item.label, enabled: false }
          : { label: item.label, click: () => onAction(item.id) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  return { update, badge };
}

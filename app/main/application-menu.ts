import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface ApplicationMenuOptions {
  platform: NodeJS.Platform;
  name: string;
  onShow(): void;
  /** Asks first when a reminder is about to go out, as the tray's Quit does. */
  onQuit(): void;
}

/**
 * The menu is the way to quit where no tray icon shows (GNOME without AppIndicator): the
 * window's close button only hides it. Ctrl+Q / Cmd+Q works even while the bar is hidden.
 */
export function applicationMenuTemplate(options: ApplicationMenuOptions): MenuItemConstructorOptions[] {
  const quit: MenuItemConstructorOptions = { label: `Quit ${options.name}`, accelerator: 'CmdOrCtrl+Q', click: options.onQuit };
  const show: MenuItemConstructorOptions = { label: 'Show the console window', click: options.onShow };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  if (options.platform === 'darwin') {
    return [
      {
        label: options.name,
        submenu: [
          { role: 'about' },
          { type: 'separator' },
          { role: 'hide' },
          { role: 'hideOthers' },
          { role: 'unhide' },
          { type: 'separator' },
          quit,
        ],
      },
      edit,
      { label: 'Window', submenu: [show, { role: 'minimize' }, { role: 'close' }] },
    ];
  }
  return [
    { label: 'File', submenu: [show, { type: 'separator' }, quit] },
    edit,
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'togglefullscreen' }] },
  ];
}

export function applicationMenu(options: ApplicationMenuOptions): Menu {
  return Menu.buildFromTemplate(applicationMenuTemplate(options));
}

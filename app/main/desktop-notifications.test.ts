import { EventEmitter } from 'node:events';
import type { NotificationConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { ConsoleNotification } from '../../shared/messages/message-schemas.js';
import { DesktopNotifications } from './desktop-notifications.js';

/** Electron's Notification as far as this code uses it: an emitter that can be shown. */
class ShownNotification extends EventEmitter {
  shown = false;
  constructor(readonly options: NotificationConstructorOptions) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}

const missed: ConsoleNotification = { level: 'warning', title: 'A reminder was missed', body: 'Design Sprint', workshopId: 'ws_1' };

function setup(supported = true) {
  const created: ShownNotification[] = [];
  const clicked: ConsoleNotification[] = [];
  const notifications = new DesktopNotifications({
    isSupported: () => supported,
    create: (options) => {
      const notification = new ShownNotification(options);
      created.push(notification);
      return notification as never;
    },
    onClick: (notice) => clicked.push(notice),
  });
  return { notifications, created, clicked };
}

describe('desktop notifications', () => {
  it('holds each shown notification until it is clicked, so the click still arrives after garbage collection', () => {
    const { notifications, created, clicked } = setup();
    notifications.show(missed);
    expect(created[0]?.shown).toBe(true);
    expect(notifications.pending).toBe(1);
    created[0]?.emit('click');
    expect(clicked).toEqual([missed]);
    expect(notifications.pending).toBe(0);
  });

  it('lets go of notifications that were closed or failed', () => {
    const { notifications, created } = setup();
    notifications.show(missed);
    notifications.show({ ...missed, level: 'error' });
    created[0]?.emit('close');
    created[1]?.emit('failed');
    expect(notifications.pending).toBe(0);
  });

  it('marks errors critical and shows nothing where the OS has no notifications', () => {
    const { notifications, created } = setup();
    notifications.show({ ...missed, level: 'error' });
    expect(created[0]?.options).toMatchObject({ title: 'A reminder was missed', body: 'Design Sprint', urgency: 'critical' });
    const unsupported = setup(false);
    unsupported.notifications.show(missed);
    expect(unsupported.created).toHaveLength(0);
  });
});

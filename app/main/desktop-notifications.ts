import type { Notification, NotificationConstructorOptions } from 'electron';
import type { ConsoleNotification } from '../../shared/messages/message-schemas.js';

type NotificationLike = Pick<Notification, 'on' | 'show'>;

export interface DesktopNotificationsOptions {
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): NotificationLike;
  /** The coordinator clicked a notification: show the window at what it is about. */
  onClick(notice: ConsoleNotification): void;
}

/**
 * Native notifications for what the core raises. Electron holds a shown notification only
 * weakly: once garbage-collected its click is never delivered, so each one is kept here
 * until it is clicked, closed or fails.
 */
export class DesktopNotifications {
  private readonly shown = new Set<NotificationLike>();

  constructor(private readonly options: DesktopNotificationsOptions) {}

  show(notice: ConsoleNotification): void {
    if (!this.options.isSupported()) return;
    const notification = this.options.create({
      title: notice.title,
      body: notice.body,
      urgency: notice.level === 'error' ? 'critical' : 'normal',
    });
    this.shown.add(notification);
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.options.onClick(notice);
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    notification.show();
  }

  /** Notifications still on screen (or in the OS's notification centre). */
  get pending(): number {
    return this.shown.size;
  }
}

import type { Handlers } from '../api/api-router.js';
import type { AlertLog } from './alert-log.js';

type AlertMethods = Extract<keyof Handlers, `alerts:${string}`>;

export function alertHandlers(alerts: AlertLog): Pick<Handlers, AlertMethods> {
  return {
    'alerts:list': () => alerts.list(),
    'alerts:mark-read': ({ ids }) => ({ unread: alerts.markRead(ids) }),
  };
}

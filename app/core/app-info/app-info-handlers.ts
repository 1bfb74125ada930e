import type { Handlers } from '../api/api-router.js';
import type { AppInfoService } from './app-info-service.js';

export function appInfoHandlers(appInfo: AppInfoService): Pick<Handlers, 'app:info' | 'app:health'> {
  return {
    'app:info': () => appInfo.info(),
    'app:health': () => appInfo.health(),
  };
}

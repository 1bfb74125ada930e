import type { Handlers } from '../api/api-router.js';
import type { SettingsService } from './settings-service.js';

export function settingsHandlers(settings: SettingsService): Pick<Handlers, 'settings:get' | 'settings:set'> {
  return {
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
  };
}

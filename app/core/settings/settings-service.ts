import type { Settings } from '../../../shared/settings/settings.js';
import type { SettingsPatchSchema } from '../../../shared/settings/settings.js';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.js';
import type { CoreEvents } from '../events/core-events.js';
import type { SettingsRepository } from './settings-repository.js';

export class SettingsService {
  constructor(
    private readonly repository: SettingsRepository,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
  ) {}

  get(): Settings {
    return this.repository.read();
  }

  /** The patch was validated by the contract; it is written in one transaction, then announced. */
  set(patch: z.output<typeof SettingsPatchSchema>): Settings {
    this.repository.write(patch, new Date(this.clock.now()).toISOString());
    const settings = this.repository.read();
    this.events.emit('settings:changed', settings);
    return settings;
  }
}

import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../../app/core/composition-root.js';
import { createSilentLogger } from '../../../../app/core/logging/logger.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { renderConsole } from '../../../test/messages-test-kit.js';

const running: { core: Core; dir: ReturnType<typeof makeTempDir> }[] = [];
afterEach(async () => {
  for (const { core, dir } of running.splice(0)) {
    await core.stop();
    dir.remove();
  }
});

function start(options: { shell: 'electron' | 'headless'; logFolder?: string; startAtLoginSupported?: boolean }): Core {
  const dir = makeTempDir();
  const core = createCore({ ...options, dataDir: dir.path, appVersion: '1.0.0', logger: createSilentLogger() });
  running.push({ core, dir });
  return core;
}

describe('Settings → This computer', () => {
  it('shows the installed desktop app where its logs are, and offers to start at login', async () => {
    const core = start({ shell: 'electron', logFolder: '/home/ana/.config/WhatsApp Operator Console/logs', startAtLoginSupported: true });
    renderConsole(core, 'settings');
    const section = await screen.findByRole('region', { name: 'This computer' });
    expect(await within(section).findByText('/home/ana/.config/WhatsApp Operator Console/logs')).toBeInTheDocument();
    expect(within(section).getByText('Protected by a key file in the data folder')).toBeInTheDocument();
    expect(await screen.findByLabelText('Start the console in the tray when I log in')).toBeInTheDocument();
  });

  it('has no start-at-login choice where the OS or a development run cannot honour it', async () => {
    const core = start({ shell: 'electron', logFolder: '/tmp/logs', startAtLoginSupported: false });
    renderConsole(core, 'settings');
    await screen.findByText('/tmp/logs');
    expect(screen.queryByLabelText('Start the console in the tray when I log in')).not.toBeInTheDocument();
  });

  it('says the headless console logs to its terminal', async () => {
    const core = start({ shell: 'headless' });
    renderConsole(core, 'settings');
    const section = await screen.findByRole('region', { name: 'This computer' });
    expect(await within(section).findByText('Written to the terminal that started the console')).toBeInTheDocument();
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../../app/core/composition-root.js';
import { DATABASE_FILE } from '../../../../app/core/data-dir/open-data-dir.js';
import { createSilentLogger } from '../../../../app/core/logging/logger.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { renderConsole } from '../../../test/messages-test-kit.js';

const STORE = '11111111-1111-4111-8111-111111111111';
const PHONE = '256700000042';

// The Inbox against a real core whose mirror holds what sync would have brought: a customer
// who last wrote 25 hours ago (so only a template may reach them) and the organisation's
// Cloud API templates, one approved with two variables and one paused.
describe('the reply composer outside the 24-hour window', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let core: Core;
  let restoreLayout: () => void;

  beforeEach(() => {
    // jsdom does no layout: the conversation list gets the height CSS gives it, so the real virtualiser shows rows.
    const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('inbox__list') ? 600 : 0;
      },
    });
    restoreLayout = () =>
      original
        ? Object.defineProperty(HTMLElement.prototype, 'clientHeight', original)
        : delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
    dir = makeTempDir();
    core = createCore({ shell: 'headless', dataDir: dir.path, appVersion: '0.0.1', logger: createSilentLogger(), validateOutputs: true });
    const db = new BetterSqlite3(join(dir.path, DATABASE_FILE));
    const yesterday = new Date(Date.now() - 25 * 3_600_000).toISOString();
    db.prepare(
      `INSERT INTO messaging_log (id, store_id, customer_phone, message_type, message_payload, status, created_at, updated_at, sync_version)
       VALUES ('m1', ?, ?, 'inbound', ?, 'processed', ?, ?, 1)`,
    ).run(
      STORE,
      PHONE,
      JSON.stringify({ message: { type: 'text', text: { body: 'Is my order ready?' } }, contact_name: 'Amina' }),
      yesterday,
      yesterday,
    );
    const template = db.prepare(
      `INSERT INTO whatsapp_templates (id, business_account_id, name, language, category, status, body, variables, parameter_format, sync_version)
       VALUES (?, 'waba-1', ?, 'en', 'UTILITY', ?, ?, ?, 'positional', 1)`,
    );
    template.run('t1', 'order_ready', 'approved', 'Hello {{1}}, order {{2}} is ready for pick-up', '["1","2"]');
    template.run('t2', 'paused_offer', 'paused', 'Offer {{1}}', '["1"]');
    db.close();
    core.start();
  });
  afterEach(async () => {
    restoreLayout();
    await core.stop();
    dir.remove();
  });

  const openConversation = async () => {
    renderConsole(core, 'inbox');
    fireEvent.click(await screen.findByRole('button', { name: /Amina/ }, { timeout: 5_000 }));
    return screen.findByRole('form', { name: 'Reply' }, { timeout: 5_000 });
  };

  it('offers only approved templates, asks for each variable and previews the message the customer will read', async () => {
    const form = await openConversation();
    expect(within(form).getByRole('timer').textContent).toMatch(/only lets an approved template reach them/);
    const picker = await within(form).findByRole('combobox', { name: 'Approved template' }, { timeout: 5_000 });
    // The templates load after the form: wait for the list to be complete.
    await within(picker).findByRole('option', { name: 'order_ready (en)' }, { timeout: 5_000 });
    expect(
      within(picker)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose…', 'order_ready (en)']);
    fireEvent.change(picker, { target: { value: 't1' } });
    fireEvent.change(within(form).getByRole('textbox', { name: '{{1}}' }), { target: { value: 'Amina' } });
    fireEvent.change(within(form).getByRole('textbox', { name: '{{2}}' }), { target: { value: '1042' } });
    expect(within(form).getByLabelText('Template preview').textContent).toBe('Hello Amina, order 1042 is ready for pick-up');
  });

  it('says which value is missing and sends nothing', async () => {
    const form = await openConversation();
    const picker = await within(form).findByRole('combobox', { name: 'Approved template' }, { timeout: 5_000 });
    await within(picker).findByRole('option', { name: 'order_ready (en)' }, { timeout: 5_000 });
    fireEvent.change(picker, { target: { value: 't1' } });
    fireEvent.change(within(form).getByRole('textbox', { name: '{{1}}' }), { target: { value: 'Amina' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Send template' }));
    // Not signed in to a backend: a reply that reached the core would be refused in other words.
    expect((await within(form).findByRole('alert')).textContent).toBe('Value 2 ({{2}}) is empty: nothing was sent.');
  });
});

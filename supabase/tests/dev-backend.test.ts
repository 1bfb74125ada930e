import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { sign } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe.skipIf(!backend.available)('npm run backend', () => {
  it('prints the functions and database URLs, answers the demo store, and cleans up on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'supabase/dev/backend.ts'], {
      cwd: repoRoot,
      env: { ...process.env, WHATSAPP_APP_SECRET: 'dev-test-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('Press Ctrl-C to stop.')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`backend did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const functionsUrl = output.match(/Functions: +(\S+)/)?.[1];
      const databaseUrl = output.match(/Database: +(\S+)/)?.[1];
      const phoneNumberId = output.match(/phone_number_id (\d+)/)?.[1];
      expect(functionsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/functions\/v1$/);
      expect(databaseUrl).toMatch(/^postgres:\/\//);

      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '1555', phone_number_id: phoneNumberId },
                  messages: [
                    { from: '256700000009', id: 'wamid.dev-backend', timestamp: '1700000000', type: 'text', text: { body: 'ADD MUG 1' } },
                  ],
                },
              },
            ],
          },
        ],
      });
      const response = await fetch(`${functionsUrl}/whatsapp-webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, 'dev-test-secret') },
        body,
      });
      expect(response.status).toBe(200);
      const replyDeadline = Date.now() + 10_000;
      while (!output.includes('→ reply to 256700000009: Added 1 × Mug (MUG).') && Date.now() < replyDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain('→ reply to 256700000009: Added 1 × Mug (MUG).');

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(
        await fetch(`${functionsUrl}/whatsapp-webhook`).then(
          () => 'still up',
          () => 'down',
        ),
      ).toBe('down');
      const probe = postgres(databaseUrl!, { max: 1, connect_timeout: 2, onnotice: () => {} });
      expect(
        await probe`select 1`.then(
          () => 'still up',
          () => 'down',
        ),
      ).toBe('down');
      await probe.end();
      expect(output).not.toContain('stack stop:');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

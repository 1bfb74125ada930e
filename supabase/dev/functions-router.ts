/**
 * Serves every edge function from one Deno process the way the Supabase gateway does:
 * /functions/v1/<name> goes to that function's handler. Local stack and tests only;
 * each function's own index.ts is what gets deployed.
 */
import { loadConfig } from '../functions/_shared/config.ts';
import { errorResponse } from '../functions/_shared/http.ts';
import { createWhatsappWebhookHandler } from '../functions/whatsapp-webhook/handler.ts';

const config = loadConfig((name) => Deno.env.get(name));
const functions: Record<string, (req: Request) => Promise<Response>> = {
  'whatsapp-webhook': createWhatsappWebhookHandler(config),
};

const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54321');

Deno.serve({
  hostname: '127.0.0.1',
  port,
  onListen: ({ port }) => console.log(JSON.stringify({ event: 'listening', port })),
}, (req) => {
  const { pathname } = new URL(req.url);
  const name = pathname.match(/^\/functions\/v1\/([a-z0-9_-]+)\/?$/)?.[1];
  const handler = name ? functions[name] : undefined;
  return handler ? handler(req) : errorResponse(404, `No function at ${pathname}`);
});

/**
 * Serves every edge function from one Deno process the way the Supabase gateway does:
 * /functions/v1/<name> goes to that function's handler. Local stack and tests only;
 * each function's own index.ts is what gets deployed.
 */
import { loadConfig } from '../functions/_shared/config.ts';
import { errorResponse } from '../functions/_shared/http.ts';
import { loadPaymentConfig } from '../functions/_shared/payment-config.ts';
import { createPaymentDeps } from '../functions/_shared/payment-deps.ts';
import { createFlutterwaveWebhookHandler } from '../functions/flutterwave-webhook/handler.ts';
import { createProcessPaymentHandler } from '../functions/process-payment/handler.ts';
import { createReconcilePaymentsHandler } from '../functions/reconcile-payments/handler.ts';
import { createWhatsappWebhookHandler } from '../functions/whatsapp-webhook/handler.ts';
import { loadUserConfig } from '../functions/_shared/user-config.ts';
import { createDesktopSyncHandler } from '../functions/desktop-sync/handler.ts';
import { createMembershipWebhookHandler } from '../functions/whatsapp-membership-webhook/handler.ts';
import { loadCloudApiConfig } from '../functions/_shared/cloud-api-config.ts';
import { createQueueWhatsappHandler } from '../functions/queue-whatsapp/handler.ts';
import { createProcessWhatsappQueueHandler } from '../functions/process-whatsapp-queue/handler.ts';
import { createSyncWhatsappTemplatesHandler } from '../functions/sync-whatsapp-templates/handler.ts';
import { createSaveWhatsappNumberHandler } from '../functions/save-whatsapp-number/handler.ts';
import { createSetWhatsappRemindersHandler } from '../functions/set-whatsapp-reminders/handler.ts';
import { createSendReplyHandler } from '../functions/send-reply/handler.ts';
import { loadGraphConfig } from '../functions/send-reply/graph-config.ts';
import { createOrderActionHandler } from '../functions/order-action/handler.ts';

const env = (name: string) => Deno.env.get(name);
const config = loadConfig(env);
const paymentConfig = loadPaymentConfig(env);
const userConfig = loadUserConfig(env);
const cloudApiConfig = loadCloudApiConfig(env);
// On Supabase each function is its own instance with its own pool and token cache; so here.
const factories: Record<string, () => (req: Request) => Promise<Response>> = {
  'whatsapp-webhook': () => createWhatsappWebhookHandler(config),
  'process-payment': () => createProcessPaymentHandler(createPaymentDeps(paymentConfig, 'process-payment'), paymentConfig.allowedOrigin),
  'flutterwave-webhook': () => createFlutterwaveWebhookHandler(paymentConfig, createPaymentDeps(paymentConfig, 'flutterwave-webhook')),
  'reconcile-payments': () => createReconcilePaymentsHandler(paymentConfig, createPaymentDeps(paymentConfig, 'reconcile-payments')),
  'desktop-sync': () => createDesktopSyncHandler(userConfig),
  'whatsapp-membership-webhook': () => createMembershipWebhookHandler(userConfig),
  'send-reply': () => createSendReplyHandler(userConfig, loadGraphConfig(env)),
  'queue-whatsapp': () => createQueueWhatsappHandler(cloudApiConfig, userConfig),
  'process-whatsapp-queue': () => createProcessWhatsappQueueHandler(cloudApiConfig),
  'sync-whatsapp-templates': () => createSyncWhatsappTemplatesHandler(cloudApiConfig, userConfig),
  'order-action': () => createOrderActionHandler(userConfig),
  'save-whatsapp-number': () => createSaveWhatsappNumberHandler(cloudApiConfig, userConfig),
  'set-whatsapp-reminders': () => createSetWhatsappRemindersHandler(cloudApiConfig, userConfig),
};
// FUNCTIONS_ONLY=name: serve that function alone, as its own instance would run (tests of one function's process).
const only = Deno.env.get('FUNCTIONS_ONLY')?.split(',');
const functions = Object.fromEntries(
  Object.entries(factories)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, create]) => [name, create()]),
);

const port = Number(Deno.env.get('FUNCTIONS_PORT') ?? '54321');

Deno.serve(
  {
    hostname: '127.0.0.1',
    port,
    onListen: ({ port }) => console.log(JSON.stringify({ event: 'listening', port })),
  },
  (req) => {
    const { pathname } = new URL(req.url);
    const name = pathname.match(/^\/functions\/v1\/([a-z0-9_-]+)\/?$/)?.[1];
    const handler = name ? functions[name] : undefined;
    return handler ? handler(req) : errorResponse(404, `No function at ${pathname}`);
  },
);

import { loadConfig } from '../_shared/config.ts';
import { createWhatsappWebhookHandler } from './handler.ts';

Deno.serve(createWhatsappWebhookHandler(loadConfig((name) => Deno.env.get(name))));

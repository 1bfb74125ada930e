import { loadPaymentConfig } from '../_shared/payment-config.ts';
import { createPaymentDeps } from '../_shared/payment-deps.ts';
import { createFlutterwaveWebhookHandler } from './handler.ts';

const config = loadPaymentConfig((name) => Deno.env.get(name));
Deno.serve(createFlutterwaveWebhookHandler(config, createPaymentDeps(config, 'flutterwave-webhook')));

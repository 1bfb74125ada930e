import { loadPaymentConfig } from '../_shared/payment-config.ts';
import { createPaymentDeps } from '../_shared/payment-deps.ts';
import { createProcessPaymentHandler } from './handler.ts';

const config = loadPaymentConfig((name) => Deno.env.get(name));
Deno.serve(createProcessPaymentHandler(createPaymentDeps(config, 'process-payment'), config.allowedOrigin));

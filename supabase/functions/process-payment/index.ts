import { loadPaymentConfig } from '../_shared/payment-config.ts';
import { createPaymentDeps } from '../_shared/payment-deps.ts';
import { createProcessPaymentHandler } from './handler.ts';

Deno.serve(createProcessPaymentHandler(createPaymentDeps(loadPaymentConfig((name) => Deno.env.get(name)), 'process-payment')));

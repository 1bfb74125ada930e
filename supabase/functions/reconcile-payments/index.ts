import { loadPaymentConfig } from '../_shared/payment-config.ts';
import { createPaymentDeps } from '../_shared/payment-deps.ts';
import { createReconcilePaymentsHandler } from './handler.ts';

const config = loadPaymentConfig((name) => Deno.env.get(name));
Deno.serve(createReconcilePaymentsHandler(config, createPaymentDeps(config, 'reconcile-payments')));

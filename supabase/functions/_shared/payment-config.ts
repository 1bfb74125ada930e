import { z } from 'npm:zod@4.6.7';
import type { FlutterwaveOptions } from './flutterwave.ts';

/**
 * Environment of the payment functions (process-payment, flutterwave-webhook,
 * reconcile-payments), checked once at start-up like config.ts. Secrets are only named
 * in errors, never printed.
 */
const PaymentConfigShape = z.object({
  SUPABASE_DB_URL: z.string().min(1),
  GRAPH_API_TOKEN: z.string().min(1),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
  FLUTTERWAVE_BASE_URL: z.url().default('https://api.flutterwave.cloud/f4bexperience'),
  FLUTTERWAVE_TOKEN_URL: z.url().default('https://idp.flutterwave.com/realms/flutterwave/protocol/openid-connect/token'),
  FLUTTERWAVE_V3_BASE_URL: z.url().default('https://api.flutterwave.com'),
  FLUTTERWAVE_CLIENT_ID: z.string().min(1).optional(),
  FLUTTERWAVE_CLIENT_SECRET: z.string().min(1).optional(),
  FLUTTERWAVE_SECRET_KEY: z.string().min(1).optional(),
  FLUTTERWAVE_WEBHOOK_SECRET_HASH: z.string().min(1),
  // 'hmac': flutterwave-signature must be base64 HMAC-SHA256 of the raw body keyed with
  // the secret hash. 'hmac_or_plain' also accepts the secret hash itself in that header.
  FLUTTERWAVE_SIGNATURE_MODE: z.enum(['hmac', 'hmac_or_plain']).default('hmac'),
  RECONCILE_PAYMENTS_SECRET: z.string().min(16),
  RECONCILE_PENDING_AFTER_SECONDS: z.coerce.number().int().min(0).default(900),
  PAYMENTS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(8),
  // The site whose payment page may call process-payment from the browser (CORS).
  PUBLIC_SITE_URL: z.url().optional(),
});
const PaymentConfigSchema = PaymentConfigShape.refine(
  (c) => Boolean(c.FLUTTERWAVE_CLIENT_ID && c.FLUTTERWAVE_CLIENT_SECRET) || Boolean(c.FLUTTERWAVE_SECRET_KEY),
  {
    message: 'set FLUTTERWAVE_CLIENT_ID and FLUTTERWAVE_CLIENT_SECRET (v4) and/or FLUTTERWAVE_SECRET_KEY (v3)',
    path: ['FLUTTERWAVE_CLIENT_ID'],
  },
);

export interface PaymentConfig {
  databaseUrl: string;
  dbPoolSize: number;
  graph: { baseUrl: string; version: string; token: string };
  flutterwave: Omit<FlutterwaveOptions, 'fetch' | 'now' | 'timeoutMs'>;
  webhookSecretHash: string;
  signatureMode: 'hmac' | 'hmac_or_plain';
  reconcileSecret: string;
  reconcileAfterSeconds: number;
  /** Origin allowed to call process-payment from a browser; null: same-origin/server calls only. */
  allowedOrigin: string | null;
}

export function loadPaymentConfig(env: (name: string) => string | undefined): PaymentConfig {
  const raw = Object.fromEntries(Object.keys(PaymentConfigShape.shape).map((name) => [name, env(name) || undefined]));
  const parsed = PaymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid payment function configuration (${problems})`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.SUPABASE_DB_URL,
    dbPoolSize: c.PAYMENTS_DB_POOL_SIZE,
    graph: { baseUrl: c.GRAPH_API_BASE_URL, version: c.GRAPH_API_VERSION, token: c.GRAPH_API_TOKEN },
    flutterwave: {
      baseUrl: c.FLUTTERWAVE_BASE_URL,
      tokenUrl: c.FLUTTERWAVE_TOKEN_URL,
      v3BaseUrl: c.FLUTTERWAVE_V3_BASE_URL,
      clientId: c.FLUTTERWAVE_CLIENT_ID ?? null,
      clientSecret: c.FLUTTERWAVE_CLIENT_SECRET ?? null,
      v3SecretKey: c.FLUTTERWAVE_SECRET_KEY ?? null,
    },
    webhookSecretHash: c.FLUTTERWAVE_WEBHOOK_SECRET_HASH,
    signatureMode: c.FLUTTERWAVE_SIGNATURE_MODE,
    reconcileSecret: c.RECONCILE_PAYMENTS_SECRET,
    reconcileAfterSeconds: c.RECONCILE_PENDING_AFTER_SECONDS,
    allowedOrigin: c.PUBLIC_SITE_URL ? new URL(c.PUBLIC_SITE_URL).origin : null,
  };
}

/** Mobile-money markets: currency, calling code, v3 charge type and networks. */
export interface Market {
  currency: string;
  callingCode: string;
  v3Type: string;
  networks: string[];
}

export const MARKETS: Record<string, Market> = {
  UG: { currency: 'UGX', callingCode: '256', v3Type: 'mobile_money_uganda', networks: ['MTN', 'AIRTEL'] },
  GH: { currency: 'GHS', callingCode: '233', v3Type: 'mobile_money_ghana', networks: ['MTN', 'VODAFONE', 'TIGO'] },
  RW: { currency: 'RWF', callingCode: '250', v3Type: 'mobile_money_rwanda', networks: ['MTN', 'AIRTEL'] },
  ZM: { currency: 'ZMW', callingCode: '260', v3Type: 'mobile_money_zambia', networks: ['MTN', 'AIRTEL', 'ZAMTEL'] },
  KE: { currency: 'KES', callingCode: '254', v3Type: 'mpesa', networks: ['MPESA'] },
  TZ: { currency: 'TZS', callingCode: '255', v3Type: 'mobile_money_tanzania', networks: ['AIRTEL', 'TIGO', 'HALOPESA', 'VODAFONE'] },
  CI: { currency: 'XOF', callingCode: '225', v3Type: 'mobile_money_franco', networks: ['MTN', 'ORANGE', 'MOOV'] },
  SN: { currency: 'XOF', callingCode: '221', v3Type: 'mobile_money_franco', networks: ['ORANGE', 'FREE', 'WAVE'] },
  CM: { currency: 'XAF', callingCode: '237', v3Type: 'mobile_money_franco', networks: ['MTN', 'ORANGE'] },
};

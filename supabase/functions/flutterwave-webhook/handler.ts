import { z } from 'npm:zod@4.6.7';
import { FlutterwaveError, UnknownChargeError } from '../_shared/flutterwave.ts';
import { verifyFlutterwaveSignature } from '../_shared/flutterwave-signature.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { ID_PATTERN } from '../_shared/input-bounds.ts';
import type { PaymentConfig } from '../_shared/payment-config.ts';
import { keepAlive } from '../_shared/payment-deps.ts';
import { findPayment, type PaymentDeps, sendNotice, settle } from '../_shared/payments.ts';

/**
 * `flutterwave-webhook`: signature first (on the raw bytes; 401 and nothing written
 * otherwise), then either payload version, then the shared settlement path, which
 * re-fetches the charge from Flutterwave before giving any value and applies it once.
 * The WhatsApp notice is sent after the commit, outside the response.
 */

const MAX_BODY_BYTES = 64 * 1024;

// Flutterwave's ids and our references: short printable ASCII (v3 ids are numbers).
const Id = z
  .union([z.string().min(1).max(128).regex(ID_PATTERN), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform(String);
const Reference = z.string().min(1).max(128).regex(ID_PATTERN);

/** v4: { webhook_id, timestamp, type: "charge.completed", data: { id, reference, amount, currency, status } } */
const V4Payload = z.object({
  type: z.string().max(128),
  data: z.object({ id: Id, reference: Reference.optional() }),
});
/** v3: { event: "charge.completed", data: { id, tx_ref, flw_ref, amount, currency, charged_amount, status } } */
const V3Payload = z.object({
  event: z.string().max(128),
  data: z.object({ id: Id, tx_ref: Reference.optional() }),
});

interface Delivery {
  version: 'v3' | 'v4';
  event: string;
  chargeId: string;
  reference: string | null;
}

function read(json: unknown): Delivery | null {
  const v4 = V4Payload.safeParse(json);
  if (v4.success) return { version: 'v4', event: v4.data.type, chargeId: v4.data.data.id, reference: v4.data.data.reference ?? null };
  const v3 = V3Payload.safeParse(json);
  if (v3.success) return { version: 'v3', event: v3.data.event, chargeId: v3.data.data.id, reference: v3.data.data.tx_ref ?? null };
  return null;
}

export function createFlutterwaveWebhookHandler(config: PaymentConfig, deps: PaymentDeps): (req: Request) => Promise<Response> {
  async function receive(req: Request): Promise<Response> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) return body.response;
    const raw = body.value;
    const signature = await verifyFlutterwaveSignature(raw, req.headers, config.webhookSecretHash, config.signatureMode);
    if (!signature.ok) return errorResponse(401, 'Missing or invalid flutterwave-signature / verif-hash');

    const decoded = parseJsonBody(raw);
    if (!decoded.ok) return decoded.response;
    const json = decoded.value;
    const delivery = read(json);
    if (!delivery)
      return errorResponse(
        400,
        'Not a Flutterwave webhook: expected {type, data: {id, reference}} (v4) or {event, data: {id, tx_ref}} (v3)',
      );
    // v4 deliveries are signed; the static v3 hash alone must not vouch for one.
    if (delivery.version === 'v4' && signature.via === 'v3-hash')
      return errorResponse(401, 'A v4 webhook must carry flutterwave-signature');
    // Only charge outcomes give or refuse value; anything else is acknowledged and ignored.
    if (delivery.event !== 'charge.completed') return jsonResponse(200, { ignored: `event ${delivery.event}` });

    const payment = await findPayment(deps.sql, delivery.chargeId, delivery.reference);
    // Another integration on the same Flutterwave account; nothing of ours to settle.
    if (!payment) return jsonResponse(200, { ignored: 'no transaction with this charge id or reference' });

    let result;
    try {
      result = await settle(deps, payment, delivery.chargeId);
    } catch (error) {
      // Flutterwave has no such charge: a forged or misrouted delivery (another account, test
      // mode). Bad input, not an outage: a retry cannot succeed, and the payment stays pending.
      if (error instanceof UnknownChargeError) {
        deps.log('warn', 'unknown_charge', { transaction_id: payment.id });
        return errorResponse(422, 'Flutterwave has no record of the charge this webhook names; nothing was applied');
      }
      if (error instanceof FlutterwaveError) {
        deps.log('warn', 'verify_failed', { transaction_id: payment.id, error: error.message });
        // Flutterwave retries non-2xx deliveries; reconciliation catches up otherwise.
        return errorResponse(502, 'Could not re-fetch the charge from Flutterwave; retry later');
      }
      throw error;
    }
    if (result.noticeId) {
      const noticeId = result.noticeId;
      keepAlive(
        sendNotice(deps, noticeId).catch((error: unknown) =>
          deps.log('error', 'payment_notice_error', { notice_id: noticeId, error: error instanceof Error ? error.message : String(error) }),
        ),
      );
    }
    return jsonResponse(200, { transaction_id: result.transactionId, outcome: result.outcome, status: result.status });
  }

  return async (req) => {
    try {
      if (req.method === 'POST') return await receive(req);
      return errorResponse(405, `Method ${req.method} not allowed; Flutterwave POSTs webhooks`);
    } catch (error) {
      deps.log('error', 'request_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; nothing was applied, retry later');
    }
  };
}

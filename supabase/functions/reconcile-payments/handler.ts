import { z } from 'npm:zod@4.6.7';
import { verifyFlutterwaveSignature } from '../_shared/flutterwave-signature.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import type { PaymentConfig } from '../_shared/payment-config.ts';
import { type PaymentDeps, paymentById, sendNotice, sendStaleNotices, settle, type SettleOutcome } from '../_shared/payments.ts';

/**
 * `reconcile-payments`: called by pg_cron (pg_net) every few minutes with the header
 * `x-reconcile-secret`. Re-checks charges still `pending` after
 * RECONCILE_PENDING_AFTER_SECONDS (a lost or never-sent webhook) through the same
 * settlement path as the webhook, and sends payment notices whose sender stopped
 * between the commit and the send.
 */

const BATCH = 200;
// A notice still queued after this long lost its sender.
const STALE_NOTICE_SECONDS = 60;

// Ten years: far beyond any pending charge, and within what a Postgres interval holds.
const MAX_OLDER_THAN_SECONDS = 10 * 366 * 24 * 3600;
const Body = z.object({ older_than_seconds: z.number().int().min(0).max(MAX_OLDER_THAN_SECONDS).optional() }).strict();

async function authorised(req: Request, secret: string): Promise<boolean> {
  // The same constant-time comparison as Flutterwave's verif-hash.
  const headers = new Headers({ 'verif-hash': req.headers.get('x-reconcile-secret') ?? '' });
  return (await verifyFlutterwaveSignature(new Uint8Array(), headers, secret, 'hmac')).ok;
}

export function createReconcilePaymentsHandler(config: PaymentConfig, deps: PaymentDeps): (req: Request) => Promise<Response> {
  async function run(req: Request): Promise<Response> {
    if (!(await authorised(req, config.reconcileSecret))) return errorResponse(401, 'Missing or invalid x-reconcile-secret');
    const body = await readBody(req, 4096);
    if (!body.ok) return body.response;
    let olderThan = config.reconcileAfterSeconds;
    if (new TextDecoder().decode(body.value).trim()) {
      const decoded = parseJsonBody(body.value);
      if (!decoded.ok) return decoded.response;
      const parsed = Body.safeParse(decoded.value);
      if (!parsed.success)
        return errorResponse(
          400,
          'Expected {} or {"older_than_seconds": <int>}',
          parsed.error.issues.map((i) => i.message),
        );
      olderThan = parsed.data.older_than_seconds ?? olderThan;
    }

    const due = await deps.sql<{ id: string }[]>`
      select id from public.payment_transactions
      where status = 'pending' and created_at < now() - make_interval(secs => ${olderThan})
      order by created_at limit ${BATCH}`;
    const counts: Record<SettleOutcome | 'errors', number> = {
      succeeded: 0,
      failed: 0,
      needs_review: 0,
      still_pending: 0,
      already_settled: 0,
      no_charge_id: 0,
      errors: 0,
    };
    for (const { id } of due) {
      try {
        const payment = await paymentById(deps.sql, id);
        if (!payment) continue;
        const result = await settle(deps, payment);
        counts[result.outcome] += 1;
        if (result.noticeId) await sendNotice(deps, result.noticeId);
      } catch (error) {
        counts.errors += 1;
        deps.log('warn', 'reconcile_failed', { transaction_id: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const noticesResent = await sendStaleNotices(deps, STALE_NOTICE_SECONDS);
    deps.log('info', 'reconciled', { checked: due.length, ...counts, notices_resent: noticesResent });
    return jsonResponse(200, { checked: due.length, ...counts, notices_resent: noticesResent });
  }

  return async (req) => {
    try {
      if (req.method === 'POST') return await run(req);
      return errorResponse(405, `Method ${req.method} not allowed; POST with x-reconcile-secret`);
    } catch (error) {
      deps.log('error', 'request_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error');
    }
  };
}

import { z } from 'npm:zod@4.6.7';
import { createDb, type Sql } from '../_shared/db.ts';
import { constantTimeEqual } from '../_shared/hmac.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { createLog } from '../_shared/log.ts';
import { appendMembershipEvent, beginOrganizationWrite, upsertMember } from '../_shared/membership-ingest.ts';
import { toE164Digits } from '../_shared/phone.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * whatsapp-membership-webhook: join/leave events from a team's own Baileys server, e.g.
 *   POST { "event": "join", "sessionId": "wa_…", "groupJid": "…@g.us",
 *          "participant": { "phone": "919818861043", "id": "173087265951971@lid" },
 *          "timestamp": "2026-02-03T17:30:00Z" }
 * with `X-API-Key: wmk_…` (one key per sending service, made with
 * create_membership_webhook_key; the organisation comes from the key). The change goes
 * through the same ingest as a desktop's pushed members, so the CRM sees one truth.
 * Idempotent: a replay adds no event and changes no member; an older event arriving after
 * a newer one is recorded in the history but does not roll the member back.
 */

const MAX_BODY_BYTES = 16 * 1024;

const MembershipEventSchema = z.object({
  event: z.enum(['join', 'leave']),
  sessionId: z.string().regex(/^wa_[0-9a-f-]{36}$/, 'sessionId must look like wa_<uuid>'),
  groupJid: z.string().regex(/^[0-9-]+@g\.us$/, 'groupJid must be a group JID (…@g.us)'),
  participant: z.object({
    phone: z.string().max(32).optional().nullable(),
    id: z.string().max(128).optional().nullable(),
  }),
  timestamp: z.iso.datetime({ offset: true, message: 'timestamp must be an ISO-8601 date-time' }),
});

interface Participant {
  lid: string | null;
  phone: string | null;
}

function participantOf(raw: { phone?: string | null; id?: string | null }): Participant | string {
  const id = raw.id?.trim() || null;
  const lid = id?.endsWith('@lid') ? id : null;
  const fromJid = id?.endsWith('@s.whatsapp.net') ? id.split('@')[0]!.split(':')[0]! : null;
  const phone = toE164Digits(raw.phone ?? fromJid);
  if (raw.phone && !phone) return 'participant.phone is not a phone number';
  if (!lid && !phone) return 'participant needs a phone or a LID (id ending in @lid)';
  return { lid, phone };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The organisation of a valid, unrevoked key, or null. */
async function authenticate(sql: Sql, header: string | null): Promise<{ organizationId: string; keyId: string } | null> {
  const match = header?.trim().match(/^wmk_([0-9a-f]{16})_([0-9a-f]{64})$/);
  // Hash anyway so an unknown key costs the same as a known one.
  const presented = new TextEncoder().encode(await sha256Hex(match?.[2] ?? header ?? ''));
  const [key] = match
    ? await sql<{ organization_id: string; secret_hash: string; revoked_at: Date | null }[]>`
        select organization_id, secret_hash, revoked_at from public.membership_webhook_keys where key_id = ${match[1]!}`
    : [];
  const stored = new TextEncoder().encode(key?.secret_hash ?? '0'.repeat(64));
  const equal = constantTimeEqual(presented, stored);
  if (!key || !equal || key.revoked_at) return null;
  return { organizationId: key.organization_id, keyId: match![1]! };
}

export function createMembershipWebhookHandler(config: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, Math.max(2, Math.floor(config.poolSize / 2)));
  const log = createLog('whatsapp-membership-webhook');

  return async (req) => {
    if (req.method !== 'POST') return errorResponse(405, 'Use POST');
    let caller: Awaited<ReturnType<typeof authenticate>>;
    try {
      caller = await authenticate(sql, req.headers.get('x-api-key'));
    } catch (error) {
      log('error', 'key_lookup_failed', { error: String(error).slice(0, 200) });
      return new Response(JSON.stringify({ error: 'Temporarily unavailable' }), {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '5' },
      });
    }
    if (!caller) return errorResponse(401, 'Unauthorized');

    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw.ok) return raw.response;
    const json = parseJsonBody(raw.value);
    if (!json.ok) return json.response;
    const parsed = MembershipEventSchema.safeParse(json.value);
    if (!parsed.success)
      return errorResponse(
        400,
        'Invalid membership event',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      );
    const event = parsed.data;
    const participant = participantOf(event.participant);
    if (typeof participant === 'string') return errorResponse(400, 'Invalid membership event', [participant]);
    const occurredAt = new Date(event.timestamp).toISOString();

    try {
      const outcome = await sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role: 'service_role' })}, true)`;
        await beginOrganizationWrite(tx, caller.organizationId);
        await tx`insert into public.whatsapp_sessions (organization_id, id, label, state)
                 values (${caller.organizationId}, ${event.sessionId}, 'Membership webhook', 'open') on conflict do nothing`;
        await tx`insert into public.whatsapp_groups (organization_id, session_id, group_jid)
                 values (${caller.organizationId}, ${event.sessionId}, ${event.groupJid}) on conflict do nothing`;
        const values =
          event.event === 'join'
            ? { status: 'active', joined_at: occurredAt, joined_source: 'live', left_at: null, left_source: null }
            : { status: 'left', left_at: occurredAt, left_source: 'live' };
        const member = await upsertMember(tx, caller.organizationId, {
          group_jid: event.groupJid,
          ...participant,
          values,
          notBefore: occurredAt,
        });
        const appended = await appendMembershipEvent(tx, caller.organizationId, {
          event_id: `webhook:${event.event}:${event.groupJid}:${participant.lid ?? participant.phone}:${occurredAt}`,
          group_jid: event.groupJid,
          lid: participant.lid,
          phone: participant.phone,
          action: event.event === 'join' ? 'joined' : 'left',
          source: 'live',
          occurred_at: occurredAt,
        });
        await tx`update public.membership_webhook_keys set last_used_at = now() where key_id = ${caller.keyId}`;
        return { duplicate: !appended.inserted, member_updated: member !== null };
      });
      return jsonResponse(200, { ok: true, ...outcome });
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      // A value Postgres refuses (a malformed LID, say) is the sender's mistake, not ours.
      if (code.startsWith('22') || code.startsWith('23'))
        return errorResponse(400, 'Invalid membership event', [String((error as Error).message)]);
      log('error', 'ingest_failed', { code, error: String((error as Error)?.message ?? error).slice(0, 200) });
      return new Response(JSON.stringify({ error: 'Temporarily unavailable' }), {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '5' },
      });
    }
  };
}

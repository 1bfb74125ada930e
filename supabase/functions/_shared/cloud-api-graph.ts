import type { GraphTemplate } from './cloud-api-template.ts';

/**
 * The two Graph API calls of template messaging, with each outcome classified the way
 * the queue must treat it. A send whose answer never came (timeout, connection reset, a
 * gateway error without Meta's error body) is `unknown`: Meta may have the message, and
 * the Cloud API has no idempotency key to make a second try safe.
 */

export type SendOutcome =
  | { kind: 'sent'; wamid: string }
  | { kind: 'error'; httpStatus: number; code: number | undefined; message: string }
  | { kind: 'not-sent'; message: string }
  | { kind: 'unknown'; message: string };

export interface CloudApiGraph {
  send(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<SendOutcome>;
  listTemplates(
    businessAccountId: string,
    token: string,
  ): Promise<{ ok: true; templates: GraphTemplate[] } | { ok: false; code: number | undefined; message: string }>;
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_data?: { details?: string } };
}

function describe(status: number, error: GraphErrorBody['error']): string {
  const details = error?.error_data?.details;
  return `Graph API ${status}: ${error?.code ? `(#${error.code}) ` : ''}${error?.message ?? 'no error message'}${details && details !== error?.message ? ` – ${details}` : ''}`;
}

/** Refused before any byte left: nothing can have reached Meta. */
function neverConnected(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
  return /ECONNREFUSED|Connection refused|dns error|ENOTFOUND|failed to lookup/i.test(text);
}

export function createCloudApiGraph(options: {
  baseUrl: string;
  version: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): CloudApiGraph {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async send(phoneNumberId, token, body) {
      let response: Response;
      try {
        response = await doFetch(`${baseUrl}/${options.version}/${encodeURIComponent(phoneNumberId)}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const message = `Graph API unreachable: ${error instanceof Error ? error.message : String(error)}`;
        return neverConnected(error) ? { kind: 'not-sent', message } : { kind: 'unknown', message };
      }
      let payload: unknown;
      try {
        payload = await response.json();
      } catch {
        payload = null;
      }
      if (response.ok) {
        const wamid = (payload as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
        return typeof wamid === 'string' && wamid
          ? { kind: 'sent', wamid }
          : { kind: 'unknown', message: 'Graph API accepted the send without a message id' };
      }
      const error = (payload as GraphErrorBody | null)?.error;
      if (!error) return { kind: 'unknown', message: `Graph API ${response.status} without Meta's error body` };
      return {
        kind: 'error',
        httpStatus: response.status,
        code: Number.isInteger(error.code) ? error.code : undefined,
        message: describe(response.status, error),
      };
    },

    async listTemplates(businessAccountId, token) {
      const templates: GraphTemplate[] = [];
      let after: string | undefined;
      for (let page = 0; page < 100; page++) {
        const url = new URL(`${baseUrl}/${options.version}/${encodeURIComponent(businessAccountId)}/message_templates`);
        url.searchParams.set('fields', 'id,name,language,category,status,components,parameter_format,rejected_reason');
        url.searchParams.set('limit', '100');
        if (after) url.searchParams.set('after', after);
        let response: Response;
        try {
          response = await doFetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
        } catch (error) {
          return {
            ok: false,
            code: undefined,
            message: `Graph API unreachable: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
        const payload = (await response.json().catch(() => null)) as
          ({ data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } } & GraphErrorBody) | null;
        if (!response.ok || !payload || !Array.isArray(payload.data)) {
          return { ok: false, code: payload?.error?.code, message: describe(response.status, payload?.error) };
        }
        templates.push(...payload.data);
        // Meta gives `next` only while there is another page.
        if (!payload.paging?.next || !payload.paging.cursors?.after) return { ok: true, templates };
        after = payload.paging.cursors.after;
      }
      return { ok: true, templates };
    },
  };
}

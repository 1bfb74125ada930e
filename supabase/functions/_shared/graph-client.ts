/**
 * Sends WhatsApp messages through the Cloud API:
 * POST {baseUrl}/{version}/{phone_number_id}/messages with a bearer token. The base URL
 * is configuration so tests and the local stack talk to a fake that records requests.
 */

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  token: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** `code`: Meta's error code when the Graph API gave one (e.g. 131047, the 24-hour window closed). */
export type SendResult = { ok: true; wamid: string } | { ok: false; error: string; code?: number };

/** An approved template: its body parameters in order ({{1}}, {{2}}, …). */
export interface TemplateMessage {
  name: string;
  language: string;
  parameters: string[];
  /** A named template's variables, one per parameter: Meta wants each value with its name. */
  parameterNames?: string[];
}

export interface GraphClient {
  sendText(phoneNumberId: string, to: string, body: string): Promise<SendResult>;
  sendTemplate(phoneNumberId: string, to: string, template: TemplateMessage): Promise<SendResult>;
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; error_subcode?: number };
}

function describeFailure(status: number, body: unknown): string {
  const error = (body as GraphErrorBody | null)?.error;
  if (error?.message) return `Graph API ${status}: ${error.code ? `(#${error.code}) ` : ''}${error.message}`;
  return `Graph API ${status}`;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  async function send(phoneNumberId: string, message: Record<string, unknown>): Promise<SendResult> {
    const url = `${baseUrl}/${options.version}/${encodeURIComponent(phoneNumberId)}/messages`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...message }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      return { ok: false, error: `Graph API unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const code = (payload as GraphErrorBody | null)?.error?.code;
      return { ok: false, error: describeFailure(response.status, payload), ...(Number.isInteger(code) ? { code } : {}) };
    }
    const wamid = (payload as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
    return typeof wamid === 'string' && wamid ? { ok: true, wamid } : { ok: false, error: 'Graph API answered without a message id' };
  }
  return {
    sendText: (phoneNumberId, to, body) => send(phoneNumberId, { to, type: 'text', text: { preview_url: true, body } }),
    sendTemplate: (phoneNumberId, to, template) =>
      send(phoneNumberId, {
        to,
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          ...(template.parameters.length
            ? {
                components: [
                  {
                    type: 'body',
                    parameters: template.parameters.map((text, i) =>
                      template.parameterNames ? { type: 'text', parameter_name: template.parameterNames[i], text } : { type: 'text', text },
                    ),
                  },
                ],
              }
            : {}),
        },
      }),
  };
}

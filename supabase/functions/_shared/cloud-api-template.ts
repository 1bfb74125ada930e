/**
 * Message templates as Meta describes them (GET /{waba}/message_templates) and the
 * `type: "template"` send body built from one. Only the body's variables are filled
 * here; a template with header or button variables is refused by queue-whatsapp, since a
 * send missing them would fail at Meta with 132000.
 */

import { placeholders } from '../../../shared/cloud-api/template-parameters.ts';

export interface GraphTemplate {
  id?: string;
  name: string;
  language: string;
  category: string;
  status: string;
  parameter_format?: string;
  components?: { type: string; text?: string; format?: string; buttons?: { type: string; url?: string }[] }[];
  rejected_reason?: string;
}

export interface StoredTemplate {
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: string;
  body: string;
  variables: string[];
  parameterFormat: 'positional' | 'named';
  /** Variables outside the body (header, buttons) this queue cannot fill. */
  otherVariables: number;
}

const STATUSES = new Set([
  'pending',
  'approved',
  'rejected',
  'paused',
  'disabled',
  'in_appeal',
  'archived',
  'pending_deletion',
  'deleted',
  'limit_exceeded',
]);

/** Meta's status word as the table stores it, or null for one we do not know. */
export function templateStatus(status: string): string | null {
  const lower = status.toLowerCase();
  return STATUSES.has(lower) ? lower : null;
}

export function fromGraph(template: GraphTemplate): StoredTemplate | null {
  const category = template.category?.toUpperCase();
  const status = templateStatus(template.status ?? '');
  if (!status || !['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(category)) return null;
  const components = template.components ?? [];
  const body = components.find((c) => c.type?.toUpperCase() === 'BODY')?.text ?? '';
  const variables = placeholders(body);
  const otherVariables = components
    .filter((c) => c.type?.toUpperCase() !== 'BODY')
    .reduce(
      (n, c) => n + placeholders(c.text ?? '').length + (c.buttons ?? []).reduce((b, btn) => b + placeholders(btn.url ?? '').length, 0),
      0,
    );
  const named = template.parameter_format?.toUpperCase() === 'NAMED' || variables.some((v) => !/^\d+$/.test(v));
  return {
    name: template.name,
    language: template.language,
    category: category as StoredTemplate['category'],
    status,
    body,
    variables,
    parameterFormat: named ? 'named' : 'positional',
    otherVariables,
  };
}

export interface TemplateSend {
  to: string;
  name: string;
  language: string;
  parameterFormat: 'positional' | 'named';
  variables: string[];
  values: string[];
}

/** The JSON body of POST /{phone_number_id}/messages for one template message. */
export function templateMessage(send: TemplateSend): Record<string, unknown> {
  const parameters = send.values.map((text, i) =>
    send.parameterFormat === 'named' ? { type: 'text', parameter_name: send.variables[i], text } : { type: 'text', text },
  );
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: send.to,
    type: 'template',
    template: {
      name: send.name,
      language: { code: send.language },
      ...(parameters.length > 0 ? { components: [{ type: 'body', parameters }] } : {}),
    },
  };
}

/**
 * Message templates as Meta describes them (GET /{waba}/message_templates) and the
 * `type: "template"` send body built from one. Only the body's variables are filled
 * here; a template with header or button variables is refused by queue-whatsapp, since a
 * send missing them would fail at Meta with 132000.
 */

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

/** Meta's placeholders in order of first appearance: {{1}} {{2}} or {{first_name}}. */
export function placeholders(text: string): string[] {
  const seen: string[] = [];
  for (const match of text.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)) if (!seen.includes(match[1]!)) seen.push(match[1]!);
  return seen;
}

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

/** The text a recipient will read: each placeholder replaced by its value. */
export function renderBody(body: string, variables: string[], values: string[]): string {
  return body.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (whole, name: string) => {
    const i = variables.indexOf(name);
    return i >= 0 && values[i] !== undefined ? values[i]! : whole;
  });
}

// Meta refuses body parameters with new lines, tabs or more than four spaces in a row (132018).
const BAD_PARAMETER = /[\n\t]| {5,}/;
const MAX_PARAMETER = 1024;

/** Why these values cannot fill this template's variables, or null when they can. */
export function parameterProblem(variables: string[], values: unknown[]): string | null {
  if (values.length !== variables.length)
    return `The template has ${variables.length} variable(s) but ${values.length} value(s) were given`;
  for (const [i, value] of values.entries()) {
    if (typeof value !== 'string') return `Value ${i + 1} must be text`;
    if (value.trim() === '') return `Value ${i + 1} ({{${variables[i]}}}) is empty`;
    if (value.length > MAX_PARAMETER) return `Value ${i + 1} is longer than ${MAX_PARAMETER} characters`;
    if (BAD_PARAMETER.test(value)) return `Value ${i + 1} contains a new line, a tab or more than four spaces in a row, which Meta refuses`;
  }
  return null;
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

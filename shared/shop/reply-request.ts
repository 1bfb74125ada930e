/**
 * What the console sends to the `send-reply` edge function and what it gets back.
 * Imported by Deno too: zod only.
 *
 * A reply is free-form text while the customer's last inbound message is under 24 hours
 * old (WhatsApp's customer service window); after that only an approved template with
 * its parameters can reach them. WhatsApp refuses a text over 4,096 characters.
 */
import { z } from 'zod';

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_REPLY_TEXT_CHARS = 4_096;

const phoneDigits = z.string().regex(/^[0-9]{8,15}$/, 'a phone number in international digits without "+", e.g. 256700000001');

export const ReplyRequestSchema = z
  .object({
    store_id: z.uuid('store_id must be a store id'),
    customer_phone: phoneDigits,
    /** New for each reply the user writes; the same key again is the same reply. */
    idempotency_key: z.uuid('idempotency_key must be a UUID chosen for this reply'),
    text: z
      .string()
      .refine((text) => text.trim().length > 0, 'The reply is empty')
      .refine((text) => text.length <= MAX_REPLY_TEXT_CHARS, `A WhatsApp text is at most ${MAX_REPLY_TEXT_CHARS} characters`)
      .optional(),
    template: z
      .object({
        name: z.string().min(1).max(512),
        language: z.string().min(2).max(15),
        /** Body parameters in order: {{1}}, {{2}}, … */
        parameters: z.array(z.string().min(1, 'A template parameter is empty').max(1024)).max(100),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((request) => (request.text === undefined) !== (request.template === undefined), {
    message: 'Give either text or template, not both',
  });
export type ReplyRequest = z.infer<typeof ReplyRequestSchema>;

export type ReplyErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_your_store'
  | 'unknown_customer'
  | 'opted_out'
  | 'window_closed'
  | 'unknown_template'
  | 'template_parameters'
  | 'key_reused'
  | 'outcome_unknown'
  | 'no_channel'
  | 'graph_error'
  | 'unavailable';

export interface ReplyAccepted {
  status: 'accepted';
  wamid: string;
  message_id: string;
  /** True when this key had already been sent: nothing was sent again. */
  replayed: boolean;
}

export interface ReplyError {
  error: string;
  code: ReplyErrorCode;
  /** Meta's error code, for graph_error. */
  graph_code?: number;
  message_id?: string;
}

import { z } from 'zod';
import { ApiErrorSchema } from './result.js';

/**
 * Frames of the headless WebSocket. The browser authenticates with a subprotocol
 * (`bearer.<token>`) because browsers cannot set headers on a WebSocket; the server
 * answers with the plain protocol name so the token is never echoed.
 */
export const WS_PROTOCOL = 'console.v1';
export const WS_TOKEN_PREFIX = 'bearer.';
export const WS_PATH = '/api';

export const CallFrameSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string(),
  input: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrameSchema>;

export const ResultFrameSchema = z.object({
  type: z.literal('result'),
  id: z.number().int().nonnegative(),
  result: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: ApiErrorSchema })]),
});
export type ResultFrame = z.infer<typeof ResultFrameSchema>;

export const EventFrameSchema = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrameSchema>;

export const ServerFrameSchema = z.discriminatedUnion('type', [ResultFrameSchema, EventFrameSchema]);

import { z } from 'zod';

/**
 * Errors thrown across IPC or a WebSocket lose their type, so every call answers with
 * this union instead: the UI can always tell a validation problem from an unreachable
 * core and show the message as it stands.
 */
export const errorCodes = [
  'invalid-input',
  'not-found',
  'conflict',
  'unavailable',
  'forbidden',
  'unknown-method',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const ApiErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Per-field problems, keyed by the dotted path of the field. */
  fields: z.record(z.string(), z.string()).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, fields?: Record<string, string>): Result<never> => ({
  ok: false,
  error: fields ? { code, message, fields } : { code, message },
});

/** An error the core raises on purpose; its code and message reach the user as they are. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Turns zod issues into a message a person can act on, plus per-field details. */
export function describeIssues(error: z.ZodError): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(input)';
    fields[key] ??= issue.message;
  }
  const message = Object.entries(fields)
    .map(([key, text]) => (key === '(input)' ? text : `${key}: ${text}`))
    .join('; ');
  return { message, fields };
}

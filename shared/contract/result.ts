import { z } from 'zod';

/**
 * Errors thrown across IPC or a WebSocket lose their type, so every call answers with
 * this union instead: the UI can always tell a validation problem from an unreachable
 * core and show the message as it stands.
 */
export const errorCodes = ['invalid-input', 'not-found', 'conflict', 'unavailable', 'forbidden', 'unknown-method', 'internal'] as const;

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

/** zod's own wording ("Too big: expected string to have <=200 characters") is for developers: say it plainly. */
function plainIssue(issue: z.core.$ZodIssue): string {
  if (!/^(Too big|Too small|Invalid input|Invalid option|Invalid)\b/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `Keep it under ${Number(issue.maximum).toLocaleString('en-US')} characters`
        : `At most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'This cannot be empty'
          : `At least ${String(issue.minimum)} characters`
        : `At least ${String(issue.minimum)}`;
    case 'invalid_type':
      return issue.input === undefined ? 'This is needed' : 'This is not the right kind of value';
    case 'invalid_format':
      return 'This is not in the expected form';
    default:
      return 'This value is not accepted';
  }
}

/**
 * Turns zod issues into a message a person can act on, plus per-field details. The message
 * never shows field paths ("durationMinutes: …"): forms put each text next to its field.
 */
export function describeIssues(error: z.ZodError): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(input)';
    fields[key] ??= plainIssue(issue);
  }
  const texts = [...new Set(Object.values(fields))];
  const message = texts.length === 1 ? (texts[0] ?? '') : `${texts.length} things to fix: ${texts.join('; ')}`;
  return { message, fields };
}

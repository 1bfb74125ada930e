/**
 * Meta's template placeholders and the rules for the values that fill them, shared by the
 * functions that queue and send template messages and by the console that prepares them.
 * Imports nothing, so the Deno functions and the Node core load the same file.
 */

/** Meta's placeholders in order of first appearance: {{1}} {{2}} or {{first_name}}. */
export function placeholders(text: string): string[] {
  const seen: string[] = [];
  for (const match of text.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi)) if (!seen.includes(match[1]!)) seen.push(match[1]!);
  return seen;
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

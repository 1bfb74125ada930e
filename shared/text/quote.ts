/**
 * Puts a name or a message title in quotation marks for a sentence. A name may already hold
 * quotation marks (the built-in rule “We are live” at the start); those become single ones, as
 * quotes inside quotes are written, so the reader never sees two opening marks in a row.
 */
export function quote(text: string): string {
  return `“${text.replace(/“/g, '‘').replace(/”/g, '’')}”`;
}

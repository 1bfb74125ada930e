/**
 * JSON-line logs. Callers pass ids and counts, never message text, phone numbers or
 * secrets: function logs are readable by everyone with dashboard access.
 */
export type Log = (level: 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;

export function createLog(name: string): Log {
  return (level, event, fields = {}) => {
    const line = JSON.stringify({ level, fn: name, event, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  };
}

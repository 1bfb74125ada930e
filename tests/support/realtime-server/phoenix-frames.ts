/**
 * Phoenix channel frames as realtime-js writes and reads them: vsn 1.0.0 sends JSON
 * objects `{join_ref, ref, topic, event, payload}`, vsn 2.0.0 (the default) JSON arrays
 * `[join_ref, ref, topic, event, payload]`. Binary broadcast frames are not modelled.
 */
export interface PhoenixFrame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

export type PhoenixVsn = '1.0.0' | '2.0.0';

export function decodeFrame(vsn: PhoenixVsn, text: string): PhoenixFrame {
  const parsed: unknown = JSON.parse(text);
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5) throw new Error('a vsn 2.0.0 frame is a five-element array');
    const [join_ref, ref, topic, event, payload] = parsed as [string | null, string | null, string, string, Record<string, unknown>];
    return { join_ref, ref, topic, event, payload: payload ?? {} };
  }
  const frame = parsed as PhoenixFrame;
  if (typeof frame?.topic !== 'string' || typeof frame.event !== 'string')
    throw new Error('a vsn 1.0.0 frame is an object with topic and event');
  return { join_ref: frame.join_ref ?? null, ref: frame.ref ?? null, topic: frame.topic, event: frame.event, payload: frame.payload ?? {} };
}

export function encodeFrame(vsn: PhoenixVsn, frame: PhoenixFrame): string {
  return vsn === '2.0.0' ? JSON.stringify([frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload]) : JSON.stringify(frame);
}

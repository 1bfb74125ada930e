import { displayPhone } from '../../../shared/phone/normalise-phone.js';
import { type AccountEvent, accountEventKinds } from '../../../shared/sessions/account-events.js';
import { type SessionState, sessionStates, type SessionView } from '../../../shared/sessions/session-view.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, oneOfThese, sqlRow, text } from '../database/row-reader.js';
import type { CoreEvents } from '../events/core-events.js';

/** Lines kept per account; older ones are dropped as new ones come. */
const KEPT = 200;

const eventRow = columns({ id: num, session_id: text, kind: oneOfThese(accountEventKinds), text, at: text });
const sessionStateRow = columns({ id: text, state: oneOfThese(sessionStates) });

/** The reason a session stopped with when the coordinator logged out on this console. */
export const LOGGED_OUT_HERE = 'You logged out on this console.';

/**
 * Each account's event log, from the state changes the session supervisor announces
 * (`sessions:changed`) and the sender's throttling (`sessions:throttled`): one line per
 * change of state, in words, stored and pushed live as `sessions:event-logged`. The last
 * state seen is read from the log itself, so a restart does not log "connected" twice.
 */
export class AccountEventLog {
  private readonly last = new Map<string, SessionState>();
  private readonly statements;

  constructor(
    db: Database,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
  ) {
    this.statements = {
      insert: db.prepare('INSERT INTO account_events (session_id, kind, text, at) VALUES (?, ?, ?, ?) RETURNING id'),
      trim: db.prepare(
        'DELETE FROM account_events WHERE session_id = @session AND id <= (SELECT id FROM account_events WHERE session_id = @session ORDER BY id DESC LIMIT 1 OFFSET @kept)',
      ),
      list: db.prepare('SELECT id, session_id, kind, text, at FROM account_events WHERE session_id = ? ORDER BY id DESC LIMIT ?'),
      states: db.prepare('SELECT id, state FROM whatsapp_sessions'),
    };
    for (const row of mapRows(this.statements.states.all(), sessionStateRow)) this.last.set(row.id, row.state);
  }

  start(): () => void {
    return this.events.subscribe((event, payload) => {
      if (event === 'sessions:changed') this.stateChanged(payload as SessionView);
      else if (event === 'sessions:throttled') {
        const { sessionId, reason } = payload as { sessionId: string; reason: string };
        this.record(sessionId, 'throttled', `Throttled: ${reason}`);
      } else if (event === 'sessions:removed') this.last.delete((payload as { id: string }).id);
    });
  }

  list(sessionId: string, limit = 100): AccountEvent[] {
    return mapRows(this.statements.list.all(sessionId, limit), eventRow).map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      kind: row.kind,
      text: row.text,
      at: row.at,
    }));
  }

  private stateChanged(session: SessionView): void {
    const before = this.last.get(session.id);
    this.last.set(session.id, session.state);
    if (before === session.state) return;
    const line = describe(session, before);
    if (line) this.record(session.id, line.kind, line.text);
  }

  private record(sessionId: string, kind: AccountEvent['kind'], text: string): void {
    const at = new Date(this.clock.now()).toISOString();
    try {
      const id = num(sqlRow(this.statements.insert.get(sessionId, kind, text, at)), 'id');
      this.statements.trim.run({ session: sessionId, kept: KEPT });
      this.events.emit('sessions:event-logged', { id, sessionId, kind, text, at });
    } catch {
      // The account was removed while its last change was announced: there is no log to add to.
    }
  }
}

/** A state change as a line of the log; connecting and the first state of a new account say nothing worth keeping. */
function describe(session: SessionView, before: SessionState | undefined): { kind: AccountEvent['kind']; text: string } | null {
  switch (session.state) {
    case 'open':
      return {
        kind: 'connected',
        text: session.phone
          ? `Connected as ${session.displayName ?? displayPhone(session.phone)} (${displayPhone(session.phone)}).`
          : 'Connected.',
      };
    case 'waiting-for-qr':
      return before === 'waiting-for-qr'
        ? null
        : { kind: 'qr-shown', text: 'A QR code is shown to link this account: scan it with WhatsApp on the phone.' };
    case 'reconnecting':
      return {
        kind: 'disconnected',
        text: `Disconnected: the connection to WhatsApp dropped${session.reason ? ` (${session.reason})` : ''}. The console tries again by itself.`,
      };
    case 'logged-out':
      return session.reason === LOGGED_OUT_HERE
        ? { kind: 'logged-out-here', text: 'Logged out on this console. Reconnecting needs a new QR code scanned on the phone.' }
        : {
            kind: 'logged-out',
            text: `Logged out elsewhere: ${session.reason ?? 'WhatsApp ended the session.'} Link again with a new QR code.`,
          };
    case 'replaced':
      return { kind: 'replaced', text: 'Disconnected: WhatsApp Web or another console opened this account. Reconnect to take it back.' };
    case 'restricted':
      return { kind: 'restricted', text: `WhatsApp refused this account${session.reason ? ` (${session.reason})` : ''}.` };
    case 'connecting':
      return null;
  }
}

import type { SessionState } from '../../../../shared/sessions/session-view.js';

const labels: Record<SessionState, string> = {
  connecting: 'Connecting',
  'waiting-for-qr': 'Waiting to be linked',
  open: 'Connected',
  reconnecting: 'Reconnecting',
  'logged-out': 'Not linked',
  replaced: 'Replaced elsewhere',
  restricted: 'Restricted',
};

const tones: Record<SessionState, 'ok' | 'busy' | 'attention' | 'danger'> = {
  connecting: 'busy',
  'waiting-for-qr': 'attention',
  open: 'ok',
  reconnecting: 'busy',
  'logged-out': 'attention',
  replaced: 'attention',
  restricted: 'danger',
};

export function StateBadge({ state }: { state: SessionState }) {
  return <span className={`badge badge--${tones[state]}`}>{labels[state]}</span>;
}

import type { MessageStatus } from '../../../../shared/messages/message-schemas.js';
import { statusView } from './message-status.js';

export function StatusBadge({ status }: { status: MessageStatus }) {
  const view = statusView[status];
  return (
    <span className={`badge message-status message-status--${status}`} title={view.help}>
      <span aria-hidden="true" className="message-status__glyph">
        {view.glyph}
      </span>
      {view.label}
    </span>
  );
}

import { useCallback, useState, type ReactNode } from 'react';
import { Modal } from './Modal.js';

export interface ConfirmRequest {
  title: string;
  /** What will happen, in a sentence or two. */
  body: ReactNode;
  /** The button that goes ahead, named for the action ("Send now", "Remove 20"). */
  confirm: string;
  /** The button that backs out. */
  cancel?: string;
  danger?: boolean;
}

/** A question in the app's own dialog rather than the browser's confirm(): same look, focus trapped, keyboard and mouse. */
export function ConfirmDialog({ request, onAnswer }: { request: ConfirmRequest; onAnswer: (confirmed: boolean) => void }) {
  return (
    <Modal title={request.title} onClose={() => onAnswer(false)}>
      <div className="confirm">
        <div className="confirm__body">{request.body}</div>
        <div className="form__actions">
          <button
            type="button"
            className={request.danger ? 'button button--danger' : 'button button--primary'}
            onClick={() => onAnswer(true)}
          >
            {request.confirm}
          </button>
          <button type="button" className="button" onClick={() => onAnswer(false)}>
            {request.cancel ?? 'Keep as it is'}
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** `ask()` opens the dialog and resolves with the answer; render `dialog` anywhere in the component. */
export function useConfirm(): { dialog: ReactNode; ask: (request: ConfirmRequest) => Promise<boolean> } {
  const [pending, setPending] = useState<{ request: ConfirmRequest; resolve: (confirmed: boolean) => void } | null>(null);
  const ask = useCallback((request: ConfirmRequest) => new Promise<boolean>((resolve) => setPending({ request, resolve })), []);
  const dialog = pending ? (
    <ConfirmDialog
      request={pending.request}
      onAnswer={(confirmed) => {
        pending.resolve(confirmed);
        setPending(null);
      }}
    />
  ) : null;
  return { dialog, ask };
}

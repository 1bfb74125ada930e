import { useEffect } from 'react';
import { useApi, useConsole } from '../app/console-context.js';
import { useMessagesStore } from '../pages/messages/use-messages.js';
import { workshopsStoreFor } from '../stores/workshops.store.js';
import type { Toast } from '../stores/messages.store.js';

/** Warnings go by themselves; errors stay until the coordinator has seen them. */
export const WARNING_TOAST_MS = 10_000;
const SHOWN = 4;

/**
 * What the core raises for the coordinator (failed, missed or uncertain sends), newest
 * first. A toast about a workshop opens it.
 */
export function NotificationToasts() {
  useOpenFromDesktopNotification();
  const toasts = useMessagesStore((state) => state.toasts);
  const dismissAll = useMessagesStore((state) => state.dismissAll);
  if (toasts.length === 0) return null;
  const hidden = toasts.length - SHOWN;
  return (
    <section className="toasts" aria-label="Notifications">
      {toasts.slice(0, SHOWN).map((toast) => (
        <ToastCard key={toast.id} toast={toast} />
      ))}
      {hidden > 0 ? (
        <div className="toasts__more">
          <span className="muted">{hidden === 1 ? '1 more' : `${hidden} more`}</span>
          <button type="button" className="button button--small" onClick={dismissAll}>
            Dismiss all
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** A click on the desktop app's native notification opens the workshop it is about. */
function useOpenFromDesktopNotification() {
  const api = useApi();
  const navigate = useConsole((state) => state.navigate);
  useEffect(
    () =>
      api.on('notifications:opened', ({ workshopId }) => {
        if (!workshopId) return;
        workshopsStoreFor(api).getState().show({ kind: 'detail', id: workshopId });
        navigate('workshops');
      }),
    [api, navigate],
  );
}

function ToastCard({ toast }: { toast: Toast }) {
  const api = useApi();
  const navigate = useConsole((state) => state.navigate);
  const dismiss = useMessagesStore((state) => state.dismiss);
  const { id, level, workshopId } = toast;

  useEffect(() => {
    if (level === 'error') return;
    const timer = setTimeout(() => dismiss(id), WARNING_TOAST_MS);
    return () => clearTimeout(timer);
  }, [id, level, dismiss]);

  const open = () => {
    if (!workshopId) return;
    workshopsStoreFor(api).getState().show({ kind: 'detail', id: workshopId });
    navigate('workshops');
    dismiss(id);
  };
  const content = (
    <>
      <strong className="toast__title">{toast.title}</strong>
      <span className="toast__body">{toast.body}</span>
      {workshopId ? <span className="toast__hint">Open the workshop</span> : null}
    </>
  );
  return (
    <div className={`toast toast--${level}`} role={level === 'error' ? 'alert' : 'status'}>
      <span aria-hidden="true" className="toast__glyph">
        {level === 'error' ? '✕' : level === 'warning' ? '⚠' : 'ℹ'}
      </span>
      {workshopId ? (
        <button type="button" className="toast__content toast__open" onClick={open}>
          {content}
        </button>
      ) : (
        <div className="toast__content">{content}</div>
      )}
      <button
        type="button"
        className="button button--quiet button--small"
        aria-label={`Dismiss “${toast.title}”`}
        onClick={() => dismiss(id)}
      >
        ✕
      </button>
    </div>
  );
}

import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal panel: focus moves in when it opens and back when it closes, Escape closes it.
 * Not <dialog>, whose showModal() the component tests' DOM does not implement.
 */
export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const titleId = useId();
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    panelRef.current?.focus();
    return () => opener?.focus();
  }, []);
  return (
    <div className="modal" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <div
        ref={panelRef}
        className={wide ? 'modal__panel modal__panel--wide' : 'modal__panel'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
      >
        <header className="modal__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="button button--quiet" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

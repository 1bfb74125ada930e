import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Modal } from './Modal.js';

/** An Edit button inside a transformed, contained table row: where the reminder dialog used to be clipped. */
function RowWithDialog() {
  const [open, setOpen] = useState(false);
  return (
    <div role="table" aria-label="Scheduled Messages" style={{ contain: 'strict' }}>
      <div role="row" style={{ transform: 'translateY(40px)' }}>
        <span role="cell">
          <button type="button" onClick={() => setOpen(true)}>
            Edit
          </button>
          {open ? (
            <Modal title="Edit reminder" onClose={() => setOpen(false)}>
              <label>
                Message <textarea />
              </label>
              <button type="button">Save message</button>
            </Modal>
          ) : null}
        </span>
      </div>
    </div>
  );
}

describe('the modal', () => {
  it('opens at page level, outside the table row that opened it', () => {
    render(<RowWithDialog />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit reminder' });
    expect(dialog.closest('[role="row"]')).toBeNull();
    expect(dialog.closest('[role="table"]')).toBeNull();
    expect(dialog.parentElement?.parentElement).toBe(document.body);
  });

  it('keeps Tab inside, closes on Escape and gives focus back to the Edit button', () => {
    render(<RowWithDialog />);
    const edit = screen.getByRole('button', { name: 'Edit' });
    edit.focus();
    fireEvent.click(edit);
    const dialog = screen.getByRole('dialog');
    expect(document.activeElement).toBe(dialog);
    const save = screen.getByRole('button', { name: 'Save message' });
    save.focus();
    fireEvent.keyDown(save, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    fireEvent.keyDown(document.activeElement as Element, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(save);
    fireEvent.keyDown(save, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(edit);
  });
});

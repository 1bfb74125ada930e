/** A dialog form's buttons: the submit first (the form's Enter key), then the way out that changes nothing. */
export function DialogActions({
  submit,
  busy = false,
  cancel = 'Cancel',
  onCancel,
}: {
  /** The submit button's words, e.g. "Saving…" while `busy`. */
  submit: string;
  /** A save is under way: the submit button is off so it cannot be sent twice. */
  busy?: boolean;
  cancel?: string;
  onCancel: () => void;
}) {
  return (
    <div className="form__actions">
      <button type="submit" className="button button--primary" disabled={busy}>
        {submit}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        {cancel}
      </button>
    </div>
  );
}

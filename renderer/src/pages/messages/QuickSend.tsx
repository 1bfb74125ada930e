import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { formatFileSize, mediaSizeProblem } from '../../../../shared/messages/media-limits.js';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { missingValueNames, type TemplateVariable } from '../../../../shared/messages/template.js';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { FormField } from '../../components/FormField.js';
import { Spinner } from '../../components/Spinner.js';
import { formatClock } from './format-message-time.js';
import { useWorkshops } from '../workshops/use-workshops.js';
import { useMessagesStore } from './use-messages.js';

/** WhatsApp's limit for one message; longer text is refused here, never cut. */
export const MAX_TEXT = 4_096;

interface Preview {
  /** The text as typed that this preview is for. */
  source: string;
  text: string;
  missing: string[];
  unknown: string[];
}

type Outcome = { kind: 'sent' | 'failed' | 'other'; text: string };

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}

export function describeOutcome(message: ScheduledMessage, timeZone: string): Outcome {
  switch (message.status) {
    case 'sent':
      return { kind: 'sent', text: `Sent at ${formatClock(message.sentAt ?? message.scheduledFor, timeZone)}` };
    case 'failed':
    case 'missed':
      return { kind: 'failed', text: `Not sent: ${message.lastError ?? message.status}` };
    case 'uncertain':
      return { kind: 'failed', text: 'The send was interrupted; check the group. It is listed below as uncertain.' };
    default:
      return { kind: 'other', text: 'Still sending; it is listed below and will update by itself.' };
  }
}

/** "Quick Send": text, or an image or document with a caption, to the workshop's group now. */
export function QuickSend({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const ids = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const account = useConsole((state) => state.sessions?.find((session) => session.id === workshop.group?.sessionId) ?? null);
  const offline = account !== null && account.state !== 'open';
  const templates = useMessagesStore((state) => state.templates);
  const loadTemplates = useMessagesStore((state) => state.loadTemplates);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [failure, setError] = useState<{ message: string; offline: boolean } | null>(null);
  // "Not reachable, nothing was done" is stale once the console is back; other refusals stay.
  const reachable = useConsole((state) => state.transportStatus === 'connected');
  const error = failure && !(failure.offline && reachable) ? failure : null;
  const [latestPreview, setPreview] = useState<Preview | null>(null);
  const { dialog, ask } = useConfirm();
  // A draft handed over once (e.g. "Tell the group" after a time change) only fills the box; Send still asks.
  const draft = useWorkshops((state) => (state.quickSendDraft?.workshopId === workshop.id ? state.quickSendDraft : null));
  const clearDraft = useWorkshops((state) => state.clearQuickSendDraft);
  const [takenDraft, setTakenDraft] = useState<typeof draft>(null);
  if (draft && draft !== takenDraft) {
    setTakenDraft(draft);
    setText(draft.text);
    setOutcome(null);
  }
  useEffect(() => {
    if (draft) clearDraft();
  }, [draft, clearDraft]);

  useEffect(() => {
    if (templates === null) void loadTemplates();
  }, [templates, loadTemplates]);

  // Text with {variables} goes out rendered from the workshop as it is then; show how it reads now.
  const hasVariables = /\{\s*[a-zA-Z_]+\s*\}/.test(text);
  useEffect(() => {
    if (!hasVariables || text.length > MAX_TEXT) return;
    let current = true;
    const timer = setTimeout(() => {
      void api.call('templates:preview', { body: text, workshopId: workshop.id }).then((result) => {
        if (current && result.ok)
          setPreview({
            source: text,
            text: result.value.text,
            missing: result.value.missingValues,
            unknown: result.value.unknownVariables,
          });
      });
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, text, hasVariables, workshop.id, workshop.joinLink, workshop.startsAt, workshop.group?.inviteLink]);
  const preview = hasVariables && latestPreview?.source === text ? latestPreview : null;
  const over = text.length - MAX_TEXT;
  const blocked = over > 0 || (preview !== null && (preview.missing.length > 0 || preview.unknown.length > 0));

  const pickFile = (picked: File | null) => {
    setOutcome(null);
    const tooLarge = picked && mediaSizeProblem({ fileName: picked.name, mimetype: picked.type, bytes: picked.size });
    if (tooLarge) {
      setFile(null);
      setFileError(tooLarge);
      if (fileInput.current) fileInput.current.value = '';
      return;
    }
    setFileError(null);
    setFile(picked);
  };
  const removeFile = () => {
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
  };

  /** The template as written: its variables are filled in from this workshop when it is sent. */
  const applyTemplate = (templateId: string) => {
    const template = templates?.find((candidate) => candidate.id === templateId);
    if (!template) return;
    setText(template.body);
    setOutcome(null);
    setError(null);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    if (text.trim() === '' && !file) {
      setError({ message: 'Write a message or attach a file.', offline: false });
      return;
    }
    if (blocked) return;
    const group = workshop.group;
    const confirmed = await ask({
      title: 'Send to the group now?',
      body: (
        <>
          <p>
            It goes to everyone in {group?.subject ?? 'the group'}
            {group ? ` (${group.size.toLocaleString()} members)` : ''} right away and cannot be taken back.
          </p>
          {file ? <p className="muted">With {file.name}</p> : null}
          {text ? <blockquote className="confirm__quote">{preview?.text ?? text}</blockquote> : null}
        </>
      ),
      confirm: group ? `Send to ${group.size.toLocaleString()} members` : 'Send',
      cancel: 'Not yet',
    });
    if (!confirmed) return;
    setSending(true);
    setError(null);
    setOutcome(null);
    try {
      const media = file
        ? { base64: await readAsBase64(file), mimetype: file.type || 'application/octet-stream', fileName: file.name }
        : undefined;
      const result = await api.call('messages:send-now', { workshopId: workshop.id, text, ...(media ? { media } : {}) });
      if (!result.ok) {
        setError({
          message: result.error.fields?.text ?? result.error.message,
          offline: result.error.code === 'unavailable' && !reachable,
        });
        return;
      }
      const described = describeOutcome(result.value, workshop.timeZone);
      setOutcome(described);
      if (described.kind === 'sent') {
        setText('');
        removeFile();
      }
    } catch (problem) {
      setError({ message: problem instanceof Error ? problem.message : String(problem), offline: false });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="quick-send" onSubmit={submit} aria-labelledby={`${ids}-title`} noValidate>
      <div className="section-header">
        <h3 id={`${ids}-title`}>Quick Send</h3>
        {templates && templates.length > 0 ? (
          <div className="quick-send__template">
            <label htmlFor={`${ids}-template`} className="muted">
              Start from
            </label>
            <select id={`${ids}-template`} value="" onChange={(event) => applyTemplate(event.target.value)}>
              <option value="">a template…</option>
              {templates.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <FormField id={`${ids}-text`} label={file ? 'Caption' : 'Message'} error={error?.message}>
        <textarea
          id={`${ids}-text`}
          rows={3}
          value={text}
          aria-invalid={over > 0 || undefined}
          placeholder={`Write to everyone in ${workshop.group?.subject ?? 'the group'}`}
          onChange={(event) => {
            setText(event.target.value);
            setOutcome(null);
          }}
        />
      </FormField>
      {over > 0 ? (
        <p className="error" role="alert">
          WhatsApp takes up to {MAX_TEXT.toLocaleString()} characters in one message; this is {text.length.toLocaleString()}. Shorten it by{' '}
          {over.toLocaleString()}, or send it as two messages.
        </p>
      ) : null}
      {preview ? (
        <div className="quick-send__preview" aria-label="How it reads now">
          <span className="muted">Goes out as (filled in from this workshop when sent): </span>
          <span>{preview.text}</span>
          {preview.missing.length > 0 ? (
            <p className="error" role="alert">
              It uses {preview.missing.map((name) => missingValueNames[name as TemplateVariable] ?? name).join(' and ')}, which this
              workshop does not have yet. Add it with “Edit” on the workshop, or take it out of the text.
            </p>
          ) : null}
          {preview.unknown.length > 0 ? (
            <p className="error" role="alert">
              {preview.unknown.map((name) => `{${name}}`).join(', ')}{' '}
              {preview.unknown.length === 1 ? 'is not a variable' : 'are not variables'}; it would be sent as written.
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="quick-send__row">
        <div className="quick-send__file">
          {/* The real input stays focusable; its label looks like a button and shows its focus. */}
          <input
            id={`${ids}-file`}
            ref={fileInput}
            type="file"
            className="visually-hidden quick-send__input"
            onChange={(event) => pickFile(event.target.files?.[0] ?? null)}
          />
          <label htmlFor={`${ids}-file`} className="button button--small">
            {file ? 'Change file' : 'Attach image or document'}
          </label>
          {file ? (
            <span className="quick-send__chosen">
              {file.type.startsWith('image/') ? '🖼' : '📄'} {file.name} <span className="muted">({formatFileSize(file.size)})</span>
              <button type="button" className="button button--quiet button--small" onClick={removeFile} aria-label={`Remove ${file.name}`}>
                ✕
              </button>
            </span>
          ) : null}
        </div>
        <span className={over > 0 ? 'error quick-send__count' : 'muted quick-send__count'}>
          {text.length.toLocaleString()} / {MAX_TEXT.toLocaleString()}
        </span>
        <button type="submit" className="button button--primary" disabled={sending || blocked}>
          {sending ? (
            <>
              <Spinner /> Sending…
            </>
          ) : (
            'Send to group'
          )}
        </button>
      </div>
      {offline ? (
        <p className="notice quick-send__offline">
          {account.label} is not connected right now: a message sent now waits for it, and goes out if it reconnects within 10 minutes.
        </p>
      ) : null}
      {fileError ? (
        <p className="error quick-send__outcome" role="alert">
          {fileError}
        </p>
      ) : null}
      <p
        role="status"
        className={`quick-send__outcome ${outcome?.kind === 'sent' ? 'success' : outcome?.kind === 'failed' ? 'error' : 'muted'}`}
      >
        {outcome?.text ?? ''}
      </p>
      {dialog}
    </form>
  );
}

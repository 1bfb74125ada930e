import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Template } from '../../../../shared/messages/message-schemas.js';
import { templateVariables, type TemplateVariable } from '../../../../shared/messages/template.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { FormField, TextField } from '../../components/FormField.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { Spinner } from '../../components/Spinner.js';
import { useMessagesStore } from '../messages/use-messages.js';
import { useWorkshops } from '../workshops/use-workshops.js';
import { WorkshopOptions } from '../workshops/WorkshopOptions.js';

/** How long typing must pause before the preview asks the core again. */
const PREVIEW_PAUSE_MS = 150;

const variableNames = Object.keys(templateVariables) as TemplateVariable[];
type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; template: Template };

/** "Message Templates": the organisation's texts, with variables filled in per workshop when sent. */
export function TemplatesSection() {
  const headingId = useId();
  const templates = useMessagesStore((state) => state.templates);
  const templatesError = useMessagesStore((state) => state.templatesError);
  const loadTemplates = useMessagesStore((state) => state.loadTemplates);
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });

  useEffect(() => {
    if (connected) void loadTemplates();
  }, [connected, loadTemplates]);

  const editorKey = editing.kind === 'edit' ? editing.template.id : editing.kind;
  return (
    <section className="card settings-section" aria-labelledby={headingId}>
      <div className="section-header">
        <h2 id={headingId}>Message templates</h2>
        {editing.kind === 'none' ? (
          <button type="button" className="button" onClick={() => setEditing({ kind: 'new' })}>
            New template
          </button>
        ) : null}
      </div>
      <p className="muted settings-section__intro">
        Reminders are written from these. Variables in braces, such as {'{start_time}'}, become each workshop’s own values when the message
        is sent.
      </p>
      {templatesError && !templates ? (
        <p className="error" role="alert">
          {templatesError}
        </p>
      ) : null}
      {templates === null && !templatesError ? <p className="muted">Loading…</p> : null}
      {templates && templates.length === 0 && editing.kind === 'none' ? <p className="muted">No templates yet.</p> : null}
      {templates && templates.length > 0 ? (
        <ul className="template-list" aria-label="Templates">
          {templates.map((template) => (
            <TemplateItem
              key={template.id}
              template={template}
              editing={editing.kind === 'edit' && editing.template.id === template.id}
              onEdit={() => setEditing({ kind: 'edit', template })}
            />
          ))}
        </ul>
      ) : null}
      {editing.kind !== 'none' ? (
        <TemplateEditor
          key={editorKey}
          template={editing.kind === 'edit' ? editing.template : null}
          onDone={() => setEditing({ kind: 'none' })}
        />
      ) : null}
    </section>
  );
}

function TemplateItem({ template, editing, onEdit }: { template: Template; editing: boolean; onEdit: () => void }) {
  const api = useApi();
  const loadTemplates = useMessagesStore((state) => state.loadTemplates);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = useConfirm();
  const remove = async () => {
    // The refusal comes before the question: asking first and then refusing wastes the answer.
    if (template.usedByRules > 0) {
      setError(
        `${template.usedByRules === 1 ? 'A reminder rule sends' : `${template.usedByRules} reminder rules send`} this template. Choose another template for ${template.usedByRules === 1 ? 'that rule' : 'those rules'} first.`,
      );
      return;
    }
    const sure = await confirm.ask({
      title: `Delete “${template.name}”?`,
      body: 'The template is deleted for every workshop. Messages already written from it keep their text.',
      confirm: 'Delete template',
      danger: true,
    });
    if (!sure) return;
    setBusy(true);
    setError(null);
    const result = await api.call('templates:delete', { id: template.id });
    setBusy(false);
    if (result.ok) void loadTemplates();
    else setError(result.error.message);
  };
  return (
    <li className={editing ? 'template-list__item template-list__item--editing' : 'template-list__item'}>
      <div className="template-list__text">
        <strong>{template.name}</strong>
        <span className="muted template-list__body">{template.body}</span>
        {error ? (
          <span className="error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
      <div className="template-list__actions">
        <button type="button" className="button button--small" onClick={onEdit} disabled={editing} aria-label={`Edit ${template.name}`}>
          Edit
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          onClick={() => void remove()}
          disabled={busy}
          aria-label={`Delete ${template.name}`}
        >
          {busy ? <Spinner /> : null}
          Delete
        </button>
      </div>
      {confirm.dialog}
    </li>
  );
}

interface Preview {
  body: string;
  workshopId: string;
  text: string;
  unknownVariables: string[];
}

function TemplateEditor({ template, onDone }: { template: Template | null; onDone: () => void }) {
  const api = useApi();
  const ids = useId();
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const loadTemplates = useMessagesStore((state) => state.loadTemplates);
  const workshops = useWorkshops((state) => state.workshops);
  const loadWorkshops = useWorkshops((state) => state.load);
  const [name, setName] = useState(template?.name ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const [workshopId, setWorkshopId] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (workshops === null) void loadWorkshops();
  }, [workshops, loadWorkshops]);
  // Opened below the list: bring it into view and start at its first field.
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.scrollIntoView?.({ block: 'nearest' });
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  // The preview follows typing once it pauses; an answer for older text is dropped.
  useEffect(() => {
    let alive = true;
    const timer = setTimeout(() => {
      void api.call('templates:preview', { body, ...(workshopId ? { workshopId } : {}) }).then((result) => {
        if (!alive) return;
        if (result.ok) {
          setPreview({ body, workshopId, ...result.value });
          setPreviewError(null);
        } else setPreviewError(result.error.message);
      });
    }, PREVIEW_PAUSE_MS);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [api, body, workshopId]);

  const current = preview && preview.body === body && preview.workshopId === workshopId ? preview : null;
  const unknown = preview?.body === body ? preview.unknownVariables : [];
  const unknownMessage =
    unknown.length > 0
      ? `Unknown variable${unknown.length === 1 ? '' : 's'}: ${unknown.map((variable) => `{${variable}}`).join(', ')}. Use one of the variables below.`
      : null;

  const insert = (variable: TemplateVariable) => {
    const token = `{${variable}}`;
    const area = bodyRef.current;
    const start = area?.selectionStart ?? body.length;
    const end = area?.selectionEnd ?? body.length;
    const next = body.slice(0, start) + token + body.slice(end);
    setBody(next);
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (unknownMessage) return;
    setSaving(true);
    setError(null);
    const result = await api.call('templates:save', { ...(template ? { id: template.id } : {}), name, body });
    setSaving(false);
    if (result.ok) {
      setFields({});
      void loadTemplates();
      onDone();
    } else {
      setFields(result.error.fields ?? {});
      setError(result.error.fields ? null : result.error.message);
    }
  }

  return (
    <form
      ref={formRef}
      className="template-editor"
      onSubmit={save}
      noValidate
      aria-label={template ? `Edit ${template.name}` : 'New template'}
    >
      <h3>{template ? `Edit “${template.name}”` : 'New template'}</h3>
      <TextField id={`${ids}-name`} label="Name" error={fields.name} value={name} maxLength={100} onChange={setName} />
      <div className="template-editor__columns">
        <div className="template-editor__write">
          <FormField id={`${ids}-body`} label="Message" error={unknownMessage ?? fields.body}>
            <textarea
              id={`${ids}-body`}
              ref={bodyRef}
              rows={6}
              maxLength={4_096}
              value={body}
              aria-invalid={unknownMessage || fields.body ? true : undefined}
              onChange={(event) => {
                setBody(event.target.value);
                setFields(({ body: _body, ...rest }) => rest);
              }}
            />
          </FormField>
          <div className="variable-chips" role="group" aria-label="Insert a variable">
            {variableNames.map((variable) => (
              <button
                key={variable}
                type="button"
                className="variable-chip"
                title={templateVariables[variable]}
                aria-label={`Insert {${variable}}: ${templateVariables[variable]}`}
                onClick={() => insert(variable)}
              >
                {`{${variable}}`}
              </button>
            ))}
          </div>
          <dl className="variable-help">
            {variableNames.map((variable) => (
              <div key={variable}>
                <dt>
                  <code>{`{${variable}}`}</code>
                </dt>
                <dd className="muted">{templateVariables[variable]}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div className="template-editor__preview">
          <div className="field">
            <label htmlFor={`${ids}-workshop`}>Preview for</label>
            <select id={`${ids}-workshop`} value={workshopId} onChange={(event) => setWorkshopId(event.target.value)}>
              <option value="">A sample workshop</option>
              <WorkshopOptions workshops={workshops} />
            </select>
          </div>
          <div className="message-bubble" aria-label="Preview" role="region" aria-live="polite">
            {previewError ? (
              <span className="error">{previewError}</span>
            ) : body.trim() === '' ? (
              <span className="muted">The message appears here as the group will read it.</span>
            ) : (
              ((current ?? preview)?.text ?? '…')
            )}
          </div>
          <small className="muted">Sent an hour before the start, “minutes to start” reads 60.</small>
        </div>
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving || unknownMessage !== null}>
          {saving ? <Spinner /> : null}
          {template ? 'Save template' : 'Create template'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <span className="error" role="alert">
          {error ?? ''}
        </span>
      </div>
    </form>
  );
}

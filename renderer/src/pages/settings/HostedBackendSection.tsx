import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { BackendStatus, Organisation } from '../../../../shared/backend/backend-status.js';
import type { Result } from '../../../../shared/contract/result.js';
import { useApi } from '../../app/console-context.js';
import { FormField, TextField } from '../../components/FormField.js';
import { useBackendStatus } from '../../hooks/use-backend-status.js';
import { formatRelative } from '../../format/format-time.js';

type Outcome = { fields: Record<string, string>; message: string | null };
const noOutcome: Outcome = { fields: {}, message: null };

/**
 * Settings → Hosted backend: which Supabase project, who is signed in, which
 * organisation, and how sync is doing. The console keeps working without any of it.
 */
export function HostedBackendSection() {
  const headingId = useId();
  const [status, setStatus] = useBackendStatus();

  return (
    <section className="card settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>Hosted backend</h2>
      <p className="muted settings-section__intro">
        Sign in to your organisation’s Supabase project to keep workshops, registrations and who joined in step with the web CRM and other
        desktops. Without it, everything works on this computer alone.
      </p>
      {status === null ? <p className="muted">Loading…</p> : <Backend status={status} onStatus={setStatus} />}
    </section>
  );
}

function Backend({ status, onStatus }: { status: BackendStatus; onStatus: (status: BackendStatus) => void }) {
  const [editingProject, setEditingProject] = useState(false);
  if (!status.project || editingProject) {
    return (
      <ProjectForm
        project={status.project}
        onSaved={(next) => (setEditingProject(false), onStatus(next))}
        onCancel={status.project ? () => setEditingProject(false) : null}
      />
    );
  }
  return (
    <>
      <p>
        Project <strong>{status.project.url}</strong>{' '}
        <button type="button" className="button button--link" onClick={() => setEditingProject(true)}>
          Change
        </button>
      </p>
      {status.user ? <Account status={status} onStatus={onStatus} /> : <SignIn onStatus={onStatus} />}
      {status.user && status.organisation ? <SyncStatus status={status} onStatus={onStatus} /> : null}
    </>
  );
}

function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(noOutcome);
  const run = useCallback(async <T,>(work: () => Promise<Result<T>>, done: (value: T) => void) => {
    setBusy(true);
    try {
      const result = await work();
      if (result.ok) {
        setOutcome(noOutcome);
        done(result.value);
      } else {
        setOutcome({ fields: result.error.fields ?? {}, message: result.error.message });
      }
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, outcome, run };
}

function ProjectForm({
  project,
  onSaved,
  onCancel,
}: {
  project: BackendStatus['project'];
  onSaved: (status: BackendStatus) => void;
  onCancel: (() => void) | null;
}) {
  const api = useApi();
  const [url, setUrl] = useState(project?.url ?? '');
  const [publishableKey, setPublishableKey] = useState(project?.publishableKey ?? '');
  const { busy, outcome, run } = useSubmit();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api.call('backend:configure', { url, publishableKey }), onSaved);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Backend project">
      <TextField
        id="backend-url"
        label="Project URL"
        hint="From the project’s API settings, e.g. https://abcd.supabase.co"
        error={outcome.fields.url}
        value={url}
        onChange={setUrl}
        autoComplete="off"
      />
      <TextField
        id="backend-key"
        label="Publishable key"
        hint="Starts with sb_publishable_. It is not a secret, but it only works together with your sign-in."
        error={outcome.fields.publishableKey}
        value={publishableKey}
        onChange={setPublishableKey}
        autoComplete="off"
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save project'}
        </button>
        {onCancel ? (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <FormMessage outcome={outcome} />
      </div>
    </form>
  );
}

function SignIn({ onStatus }: { onStatus: (status: BackendStatus) => void }) {
  const api = useApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const { busy, outcome, run } = useSubmit();

  if (codeSentTo) {
    const verify = (event: FormEvent) => {
      event.preventDefault();
      void run(() => api.call('backend:verify-code', { email: codeSentTo, code }), onStatus);
    };
    return (
      <form className="form" onSubmit={verify} noValidate aria-label="Sign in with a code">
        <p>We emailed a 6-digit code to {codeSentTo}.</p>
        <TextField
          id="backend-code"
          label="Code"
          error={outcome.fields.code}
          value={code}
          onChange={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in with the code'}
          </button>
          <button type="button" className="button" onClick={() => setCodeSentTo(null)}>
            Back
          </button>
          <FormMessage outcome={outcome} />
        </div>
      </form>
    );
  }

  const signIn = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api.call('backend:sign-in', { email, password }), onStatus);
  };
  const sendCode = () =>
    void run(
      () => api.call('backend:send-code', { email }),
      () => setCodeSentTo(email.trim().toLowerCase()),
    );
  return (
    <form className="form" onSubmit={signIn} noValidate aria-label="Sign in">
      <TextField
        id="backend-email"
        label="Email"
        error={outcome.fields.email}
        type="email"
        value={email}
        onChange={setEmail}
        autoComplete="username"
      />
      <TextField
        id="backend-password"
        label="Password"
        hint="Or leave it empty and have a sign-in code emailed to you."
        error={outcome.fields.password}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <button type="button" className="button" onClick={sendCode} disabled={busy}>
          Email me a code
        </button>
        <FormMessage outcome={outcome} />
      </div>
    </form>
  );
}

function Account({ status, onStatus }: { status: BackendStatus; onStatus: (status: BackendStatus) => void }) {
  const api = useApi();
  const { busy, outcome, run } = useSubmit();
  const [organisations, setOrganisations] = useState<Organisation[] | null>(null);
  const [choice, setChoice] = useState('');
  const [switching, setSwitching] = useState(false);

  useEffect(() => {
    let live = true;
    void api.call('backend:organisations', {}).then((result) => {
      if (live && result.ok) setOrganisations(result.value);
    });
    return () => {
      live = false;
    };
  }, [api, status.organisation?.id]);

  const current = status.organisation;
  const choosing = !current || switching;
  const others = organisations?.filter((organisation) => organisation.id !== current?.id) ?? null;
  const selectable = current ? others : organisations;

  return (
    <>
      <p>
        Signed in as <strong>{status.user?.email}</strong>{' '}
        <button
          type="button"
          className="button button--link"
          disabled={busy}
          onClick={() => void run(() => api.call('backend:sign-out', {}), onStatus)}
        >
          Sign out
        </button>
      </p>
      {current ? (
        <p>
          Organisation <strong>{current.name}</strong>{' '}
          {others && others.length > 0 && !switching ? (
            <button type="button" className="button button--link" disabled={busy} onClick={() => setSwitching(true)}>
              Switch organisation
            </button>
          ) : null}
        </p>
      ) : null}
      {choosing && selectable ? (
        selectable.length === 0 ? (
          <p className="error" role="alert">
            This account is not a member of any organisation yet. Ask an owner to invite you.
          </p>
        ) : (
          <form
            className="form"
            aria-label="Choose organisation"
            onSubmit={(event) => {
              event.preventDefault();
              void run(
                () => api.call('backend:choose-organisation', { id: choice || selectable[0]!.id }),
                (next) => (setSwitching(false), setChoice(''), onStatus(next)),
              );
            }}
          >
            <FormField
              id="backend-organisation"
              label="Organisation"
              hint={
                current
                  ? `Switching removes ${current.name}’s workshops, registrations, messages, templates and reminder rules from this console (they stay in ${current.name}). Your WhatsApp accounts and groups stay and are uploaded to the organisation you choose.`
                  : 'Everything this console holds is uploaded to the organisation you choose.'
              }
            >
              <select id="backend-organisation" value={choice || selectable[0]!.id} onChange={(event) => setChoice(event.target.value)}>
                {selectable.map((organisation) => (
                  <option key={organisation.id} value={organisation.id}>
                    {organisation.name} ({organisation.role})
                  </option>
                ))}
              </select>
            </FormField>
            <div className="form__actions">
              <button type="submit" className="button button--primary" disabled={busy}>
                {current ? 'Switch to this organisation' : 'Use this organisation'}
              </button>
              {current ? (
                <button type="button" className="button" disabled={busy} onClick={() => setSwitching(false)}>
                  Keep {current.name}
                </button>
              ) : null}
            </div>
          </form>
        )
      ) : null}
      <FormMessage outcome={outcome} />
    </>
  );
}

function SyncStatus({ status, onStatus }: { status: BackendStatus; onStatus: (status: BackendStatus) => void }) {
  const api = useApi();
  const { busy, outcome, run } = useSubmit();
  const { sync } = status;
  const headline =
    sync.state === 'syncing'
      ? 'Syncing…'
      : sync.state === 'offline'
        ? 'Offline'
        : sync.state === 'error'
          ? 'Sync has a problem'
          : sync.lastSyncedAt
            ? `Synced ${formatRelative(sync.lastSyncedAt)}`
            : 'Not synced yet';
  return (
    <div className="sync-status">
      <div role="status" aria-label="Sync">
        <strong>{headline}</strong>
        <span className="muted">
          {sync.pending === 0
            ? ' · Every change is uploaded.'
            : ` · ${sync.pending.toLocaleString()} change${sync.pending === 1 ? '' : 's'} waiting to upload.`}
        </span>
      </div>
      {sync.progress && sync.progress.total ? (
        <label className="sync-status__progress">
          First download of the organisation
          <progress aria-label="Download progress" max={sync.progress.total} value={sync.progress.done} />
        </label>
      ) : null}
      {sync.state === 'offline' ? (
        <p className="notice" role="note">
          No connection to the hosted backend. Nothing is lost: changes are kept on this computer and sent as soon as the connection is
          back.
        </p>
      ) : null}
      {sync.lastError && sync.state !== 'offline' ? (
        <div className="notice" role="alert">
          <p>{sync.lastError.message}</p>
          <p className="muted">{sync.lastError.action}</p>
        </div>
      ) : null}
      {sync.clockSkewMs !== null ? (
        <p className="notice" role="note">
          This computer’s clock is {Math.round(Math.abs(sync.clockSkewMs) / 60_000)} minutes {sync.clockSkewMs > 0 ? 'behind' : 'ahead of'}{' '}
          the backend’s. Sync is not affected, but times shown here may look wrong: set the clock to update automatically.
        </p>
      ) : null}
      {sync.conflicts.length > 0 ? (
        <ul className="sync-conflicts" aria-label="Edits replaced by the CRM">
          {sync.conflicts.map((conflict) => (
            <li key={conflict.id}>
              <strong>{conflict.subject}</strong>:{' '}
              {conflict.reason === 'stale'
                ? 'changed in the CRM while you edited it here. The CRM’s version is kept; re-apply your change if it is still needed.'
                : `the backend refused this change: ${conflict.message}`}{' '}
              <button
                type="button"
                className="button button--link"
                onClick={() => void run(() => api.call('sync:dismiss-conflict', { id: conflict.id }), onStatus)}
              >
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="form__actions">
        <button
          type="button"
          className="button"
          disabled={busy || sync.state === 'syncing'}
          onClick={() => void run(() => api.call('sync:now', {}), onStatus)}
        >
          {busy ? 'Syncing…' : 'Sync now'}
        </button>
        <FormMessage outcome={outcome} />
      </div>
    </div>
  );
}

/** The core's message, unless it is already shown beside the fields it is about. */
function FormMessage({ outcome }: { outcome: Outcome }) {
  return (
    <span role="status" className="error">
      {Object.keys(outcome.fields).length > 0 ? '' : (outcome.message ?? '')}
    </span>
  );
}

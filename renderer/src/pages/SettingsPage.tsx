import { getCountries } from 'libphonenumber-js/min';
import { useMemo, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/settings/settings.js';
import { useConsole } from '../app/console-context.js';
import { FormField, TextField } from '../components/FormField.js';
import { TimeZoneSelect } from '../components/TimeZoneSelect.js';
import { PageHeader } from './PageHeader.js';
import { HostedBackendSection } from './settings/HostedBackendSection.js';
import { MessagingSettings } from './settings/MessagingSettings.js';
import { ThisComputerSection } from './settings/ThisComputerSection.js';

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

function useChoices() {
  return useMemo(
    () => ({
      countries: getCountries()
        .map((code) => ({ code, name: countryNames.of(code) ?? code }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }),
    [],
  );
}

export function SettingsPage() {
  const settings = useConsole((state) => state.settings);
  if (!settings) return <PageHeader title="Settings" subtitle="Loading…" />;
  return <SettingsForm settings={settings} />;
}

function SettingsForm({ settings }: { settings: Settings }) {
  const saveSettings = useConsole((state) => state.saveSettings);
  // Only where the OS can do it: the packaged desktop app (never headless, never a dev run).
  const canStartAtLogin = useConsole((state) => state.info?.startAtLoginSupported === true);
  const { countries } = useChoices();
  const [draft, setDraft] = useState<Settings>(settings);
  const [baseline, setBaseline] = useState<Settings>(settings);
  // Values saved here or pushed from another window replace the draft (React's
  // "adjust state when a prop changes" pattern, without an effect).
  if (settings !== baseline) {
    setBaseline(settings);
    setDraft(settings);
  }
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved' | string>('idle');

  const update = <K extends keyof Settings>(key: K, value: Settings[K]) => setDraft((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStatus('saving');
    const result = await saveSettings(draft);
    if (result.ok) {
      setErrors({});
      setStatus('saved');
    } else {
      const fields = result.error.fields ?? {};
      setErrors(fields);
      // Field errors stand next to their fields; the status line is for a refusal no field explains.
      setStatus(Object.keys(fields).length === 0 ? result.error.message : 'idle');
    }
  }

  return (
    <>
      <PageHeader title="Settings" subtitle="How the console reads phone numbers and times for your organisation." />
      <form className="card form" onSubmit={submit} noValidate>
        <TextField
          id="organisationName"
          label="Organisation name"
          error={errors.organisationName}
          value={draft.organisationName}
          onChange={(value) => update('organisationName', value)}
        />
        <FormField
          id="defaultCountry"
          label="Default country"
          hint="Used to read phone numbers written without a country code, such as 098188 61043."
          error={errors.defaultCountry}
        >
          <select id="defaultCountry" value={draft.defaultCountry} onChange={(event) => update('defaultCountry', event.target.value)}>
            {countries.map((country) => (
              <option key={country.code} value={country.code}>
                {country.name} ({country.code})
              </option>
            ))}
          </select>
        </FormField>
        <FormField id="timeZone" label="Time zone" hint="New workshops start in this time zone." error={errors.timeZone}>
          <TimeZoneSelect id="timeZone" value={draft.timeZone} onChange={(zone) => update('timeZone', zone)} />
        </FormField>
        <FormField id="theme" label="Appearance" error={errors.theme}>
          <select id="theme" value={draft.theme} onChange={(event) => update('theme', event.target.value as Settings['theme'])}>
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </FormField>
        {canStartAtLogin ? (
          <label className="checkbox">
            <input type="checkbox" checked={draft.startAtLogin} onChange={(event) => update('startAtLogin', event.target.checked)} />
            Start the console in the tray when I log in
          </label>
        ) : null}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.notifyInboundMessages}
            onChange={(event) => update('notifyInboundMessages', event.target.checked)}
          />
          Notify me when a customer writes to the shop
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={draft.notifyPaidOrders} onChange={(event) => update('notifyPaidOrders', event.target.checked)} />
          Notify me when an order is paid
        </label>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={status === 'saving'}>
            {status === 'saving' ? 'Saving…' : 'Save settings'}
          </button>
          <span role="status" className={status === 'saved' ? 'success' : 'error'}>
            {status === 'saved' ? 'Saved.' : status === 'idle' || status === 'saving' ? '' : status}
          </span>
        </div>
      </form>
      <MessagingSettings />
      <HostedBackendSection />
      <ThisComputerSection />
    </>
  );
}

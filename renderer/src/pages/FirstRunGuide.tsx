import { useEffect, type ReactNode } from 'react';
import { useConsole } from '../app/console-context.js';
import { useWorkshops } from './workshops/use-workshops.js';

interface Step {
  label: string;
  done: boolean;
  /** The way to the step, offered only for the first one not done yet. */
  go: ReactNode;
}

/**
 * From "connected" to "first workshop tracked": the five steps in order, ticked off from what
 * the console holds, with a button for the next one. Gone once every step is done.
 */
export function FirstRunGuide() {
  const sessions = useConsole((state) => state.sessions);
  const navigate = useConsole((state) => state.navigate);
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const workshops = useWorkshops((state) => state.workshops);
  const load = useWorkshops((state) => state.load);
  const show = useWorkshops((state) => state.show);
  useEffect(() => {
    if (connected && workshops === null) void load();
  }, [connected, workshops, load]);
  if (sessions === null || workshops === null) return null;

  const first = workshops[0];
  const withPeople = workshops.find((workshop) => workshop.stats.registered > 0);
  const linked = workshops.find((workshop) => workshop.group !== null);
  const tracked = workshops.find((workshop) => workshop.group !== null && workshop.stats.registered > 0);
  const open = (id: string | undefined, tab?: 'whatsapp') => {
    if (!id) return;
    navigate('workshops');
    show({ kind: 'detail', id, ...(tab ? { tab } : {}) });
  };
  const button = (label: string, onClick: () => void) => (
    <button type="button" className="button button--small button--primary" onClick={onClick}>
      {label}
    </button>
  );
  const steps: Step[] = [
    {
      label: 'Link a WhatsApp account (or try the demo account)',
      done: sessions.some((session) => session.state === 'open'),
      go: button('Go to Connection', () => navigate('connection')),
    },
    {
      label: 'Create a workshop',
      done: workshops.length > 0,
      go: button('Create your first workshop', () => {
        navigate('workshops');
        show({ kind: 'new' });
      }),
    },
    {
      label: 'Add its registrations (import a CSV)',
      done: withPeople !== undefined,
      go: button('Open the workshop', () => open(first?.id)),
    },
    {
      label: 'Link its WhatsApp group',
      done: linked !== undefined,
      go: button('Open the workshop', () => open(withPeople?.id ?? first?.id)),
    },
    {
      label: 'Check the reminders the console will send',
      done: tracked !== undefined && tracked.joinLink !== '',
      go: button('Open its WhatsApp tab', () => open((tracked ?? linked)?.id, 'whatsapp')),
    },
  ];
  const next = steps.findIndex((step) => !step.done);
  if (next === -1) return null;
  return (
    <section className="card first-run" aria-label="Getting started">
      <h2>Getting started</h2>
      <ol className="first-run__steps">
        {steps.map((step, index) => (
          <li key={step.label} className={step.done ? 'first-run__step first-run__step--done' : 'first-run__step'}>
            <span aria-hidden="true">{step.done ? '✓' : `${index + 1}.`}</span> {step.label}
            {step.done ? <span className="visually-hidden"> (done)</span> : null}
            {index === next ? <> {step.go}</> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

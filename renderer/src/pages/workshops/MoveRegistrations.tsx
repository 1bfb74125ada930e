import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import type { LeadMoveOutcome, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { Modal } from '../../components/Modal.js';
import { useWorkshops } from './use-workshops.js';
import { WorkshopOptions } from './WorkshopOptions.js';

const people = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'person' : 'people'}`;

/** "Moved 3 people to Alumni evening; 1 was already registered there and stays in Product Design." */
export function moveOutcomeLine(outcome: LeadMoveOutcome, from: string, to: string): string {
  const parts = [outcome.moved === 0 ? `Nobody was moved to ${to}` : `Moved ${people(outcome.moved)} to ${to}`];
  if (outcome.alreadyInTarget > 0)
    parts.push(
      `${outcome.alreadyInTarget.toLocaleString()} ${outcome.alreadyInTarget === 1 ? 'was' : 'were'} already registered there and ${outcome.alreadyInTarget === 1 ? 'stays' : 'stay'} in ${from}`,
    );
  if (outcome.notInSource > 0)
    parts.push(`${outcome.notInSource.toLocaleString()} ${outcome.notInSource === 1 ? 'was' : 'were'} no longer registered for ${from}`);
  return `${parts.join('; ')}.`;
}

interface PickRequest {
  count: number;
  from: Workshop;
  resolve: (target: Workshop | null) => void;
}

/** The other workshops to choose from, then one question naming how many move and where. */
function MovePicker({ request }: { request: PickRequest }) {
  const workshops = useWorkshops((state) => state.workshops);
  const load = useWorkshops((state) => state.load);
  useEffect(() => {
    if (workshops === null) void load();
  }, [workshops, load]);
  const others = (workshops ?? []).filter((workshop) => workshop.id !== request.from.id);
  const [targetId, setTargetId] = useState('');
  const target = others.find((workshop) => workshop.id === targetId) ?? null;
  const selectId = useId();
  const close = () => request.resolve(null);
  return (
    <Modal title={`Move ${people(request.count)} to another workshop`} onClose={close}>
      <div className="confirm">
        {workshops !== null && others.length === 0 ? (
          <p>There is no other workshop yet. Create the workshop they belong to first, then move them there.</p>
        ) : (
          <div className="field">
            <label htmlFor={selectId}>Move to</label>
            <select id={selectId} value={targetId} onChange={(event) => setTargetId(event.target.value)}>
              <option value="">Choose a workshop…</option>
              <WorkshopOptions workshops={others} />
            </select>
          </div>
        )}
        <p className="confirm__body">
          {target
            ? `${people(request.count)} will no longer be registered for ${request.from.name} and will be registered for ${target.name}. `
            : null}
          Anyone already registered for the workshop you choose stays registered for {request.from.name}, so nobody is registered twice.
          Whether each person counts as In Group, Missing or Left there depends on that workshop’s own group.
        </p>
        <div className="form__actions">
          <button type="button" className="button button--primary" disabled={!target} onClick={() => target && request.resolve(target)}>
            {target ? `Move ${people(request.count)} to ${target.name}` : 'Move'}
          </button>
          <button type="button" className="button" onClick={close}>
            Keep as it is
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** `pick()` opens the picker and resolves with the chosen workshop, or null when the user backs out. */
export function useMovePicker(): { dialog: ReactNode; pick: (count: number, from: Workshop) => Promise<Workshop | null> } {
  const [request, setRequest] = useState<PickRequest | null>(null);
  const pick = useCallback(
    (count: number, from: Workshop) =>
      new Promise<Workshop | null>((resolve) =>
        setRequest({
          count,
          from,
          resolve: (target) => {
            setRequest(null);
            resolve(target);
          },
        }),
      ),
    [],
  );
  return { dialog: request ? <MovePicker request={request} /> : null, pick };
}

import { WorkshopDetail } from './workshops/WorkshopDetail.js';
import { WorkshopForm } from './workshops/WorkshopForm.js';
import { WorkshopList } from './workshops/WorkshopList.js';
import { useLiveQuery } from '../hooks/use-live-query.js';
import { useWorkshops } from './workshops/use-workshops.js';

export function WorkshopsPage() {
  const view = useWorkshops((state) => state.view);
  switch (view.kind) {
    case 'list':
      return <WorkshopList />;
    case 'new':
      return <WorkshopForm />;
    case 'detail':
      return <WorkshopDetail key={view.id} id={view.id} />;
    case 'edit':
      return <EditWorkshop key={view.id} id={view.id} />;
  }
}

/** The form starts from the workshop as stored when it opened; later pushes would not change the draft. */
function EditWorkshop({ id }: { id: string }) {
  const workshop = useLiveQuery(
    `${id}:edit`,
    (api) => api.call('workshops:get', { id }),
    () => false,
  );
  if (workshop.data) return <WorkshopForm workshop={workshop.data} />;
  return workshop.error ? (
    <p className="error" role="alert">
      {workshop.error}
    </p>
  ) : (
    <p className="muted">Loading…</p>
  );
}

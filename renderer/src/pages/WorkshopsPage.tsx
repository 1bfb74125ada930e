import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from './PageHeader.js';

export function WorkshopsPage() {
  return (
    <>
      <PageHeader title="Workshops" subtitle="Registered leads against who is in each workshop's WhatsApp group." />
      <EmptyState title="No workshops yet">
        Your workshops will appear here with their Registered, In Group, Missing, Left and Join Rate figures, updated
        live as people join or leave the group.
      </EmptyState>
    </>
  );
}

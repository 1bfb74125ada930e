import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from './PageHeader.js';

export function MessagesPage() {
  return (
    <>
      <PageHeader title="Messages" subtitle="Reminders scheduled for your workshops' groups, and what was sent." />
      <EmptyState title="Nothing scheduled">
        Upcoming reminders across all workshops will appear here in the order they go out, followed by the recent
        history of sent, failed and missed messages.
      </EmptyState>
    </>
  );
}

import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from './PageHeader.js';

export function InboxPage() {
  return (
    <>
      <PageHeader title="Inbox" subtitle="Customer conversations from your WhatsApp shop." />
      <EmptyState title="No conversations yet">
        Messages customers send to your shop number — orders, cart commands and questions — will appear here once the hosted backend is
        connected.
      </EmptyState>
    </>
  );
}

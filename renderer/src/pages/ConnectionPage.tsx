import { EmptyState } from '../components/EmptyState.js';
import { PageHeader } from './PageHeader.js';

export function ConnectionPage() {
  return (
    <>
      <PageHeader title="Connection" subtitle="The WhatsApp accounts this console works through." />
      <EmptyState title="No WhatsApp account linked yet">
        Linked accounts will appear here with their phone number, whether they are connected, and what to do when
        one needs attention. You will link an account by scanning a QR code with your phone.
      </EmptyState>
    </>
  );
}

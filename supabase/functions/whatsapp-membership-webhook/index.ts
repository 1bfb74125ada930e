import { loadUserConfig } from '../_shared/user-config.ts';
import { createMembershipWebhookHandler } from './handler.ts';

Deno.serve(createMembershipWebhookHandler(loadUserConfig((name) => Deno.env.get(name))));

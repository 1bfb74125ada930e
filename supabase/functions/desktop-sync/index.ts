import { loadUserConfig } from '../_shared/user-config.ts';
import { createDesktopSyncHandler } from './handler.ts';

Deno.serve(createDesktopSyncHandler(loadUserConfig((name) => Deno.env.get(name))));

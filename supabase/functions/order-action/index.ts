import { loadUserConfig } from '../_shared/user-config.ts';
import { createOrderActionHandler } from './handler.ts';

Deno.serve(createOrderActionHandler(loadUserConfig((name) => Deno.env.get(name))));

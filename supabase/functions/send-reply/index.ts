import { loadUserConfig } from '../_shared/user-config.ts';
import { createSendReplyHandler } from './handler.ts';
import { loadGraphConfig } from './graph-config.ts';

const env = (name: string) => Deno.env.get(name);
Deno.serve(createSendReplyHandler(loadUserConfig(env), loadGraphConfig(env)));

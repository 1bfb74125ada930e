import { loadCloudApiConfig } from '../_shared/cloud-api-config.ts';
import { loadUserConfig } from '../_shared/user-config.ts';
import { createSetWhatsappRemindersHandler } from './handler.ts';

const env = (name: string) => Deno.env.get(name);
Deno.serve(createSetWhatsappRemindersHandler(loadCloudApiConfig(env), loadUserConfig(env)));

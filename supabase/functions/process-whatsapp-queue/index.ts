import { loadCloudApiConfig } from '../_shared/cloud-api-config.ts';
import { createProcessWhatsappQueueHandler } from './handler.ts';

Deno.serve(createProcessWhatsappQueueHandler(loadCloudApiConfig((name) => Deno.env.get(name))));

import { z } from 'npm:zod@4.6.7';
import { graphEnv } from '../_shared/config.ts';

const GraphConfigSchema = z.object(graphEnv);

export interface GraphConfig {
  baseUrl: string;
  version: string;
  token: string;
}

/** Only the Graph secrets: answering a customer needs neither the app secret nor the site URL. */
export function loadGraphConfig(env: (name: string) => string | undefined): GraphConfig {
  const raw = Object.fromEntries(Object.keys(graphEnv).map((name) => [name, env(name) || undefined]));
  const parsed = GraphConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Names only: values may be secrets.
    throw new Error(`Invalid function configuration (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  return { baseUrl: parsed.data.GRAPH_API_BASE_URL, version: parsed.data.GRAPH_API_VERSION, token: parsed.data.GRAPH_API_TOKEN };
}

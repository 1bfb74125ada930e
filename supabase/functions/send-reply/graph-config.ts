import { z } from 'npm:zod@4.6.7';

/** The platform's Cloud API credentials: the same secrets the webhook answers with. */
const GraphConfigSchema = z.object({
  GRAPH_API_TOKEN: z.string().min(1),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
});

export interface GraphConfig {
  baseUrl: string;
  version: string;
  token: string;
}

export function loadGraphConfig(env: (name: string) => string | undefined): GraphConfig {
  const raw = Object.fromEntries(Object.keys(GraphConfigSchema.shape).map((name) => [name, env(name) || undefined]));
  const parsed = GraphConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Names only: values may be secrets.
    throw new Error(`Invalid function configuration (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  return { baseUrl: parsed.data.GRAPH_API_BASE_URL, version: parsed.data.GRAPH_API_VERSION, token: parsed.data.GRAPH_API_TOKEN };
}

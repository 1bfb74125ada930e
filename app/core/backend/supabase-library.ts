import { createRequire } from 'node:module';
import type * as SupabaseJs from '@supabase/supabase-js';

const require = createRequire(import.meta.url);
let library: typeof SupabaseJs | null = null;

/**
 * supabase-js, loaded the first time something needs it rather than at start: it brings its
 * auth, Realtime, storage and PostgREST clients (about 0.3 s, a fifth of a cold start), and a
 * console that was never pointed at a backend never needs any of them. Every part of the core
 * takes the library from here, so the error classes it checks with `instanceof` are those of
 * the client that threw them.
 */
export function supabaseJs(): typeof SupabaseJs {
  return (library ??= require('@supabase/supabase-js') as typeof SupabaseJs);
}

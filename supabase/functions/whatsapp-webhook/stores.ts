import type { Sql } from '../_shared/db.ts';
import type { Store } from '../_shared/shop.ts';

export type ResolveStores = (phoneNumberIds: string[]) => Promise<Map<string, Store>>;

/**
 * Finds the store behind each business phone number (`metadata.phone_number_id`).
 * Every delivery needs this, so answers are kept for `ttlMs`: a channel switched off or
 * re-pointed takes effect within that time. Unknown numbers are not remembered, so a
 * newly configured store works at once.
 */
export function createStoreResolver(sql: Sql, ttlMs: number): ResolveStores {
  const cache = new Map<string, { store: Store; expires: number }>();
  return async (phoneNumberIds) => {
    const found = new Map<string, Store>();
    const missing: string[] = [];
    for (const id of phoneNumberIds) {
      const hit = cache.get(id);
      if (hit && hit.expires > Date.now()) found.set(id, hit.store);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const rows = await sql<{ wa_phone_number_id: string; id: string; store_name: string; store_slug: string; currency: string }[]>`
      select b.wa_phone_number_id, s.id, s.store_name, s.store_slug, s.currency
      from public.business_channel_settings b
      join public.store_settings s on s.id = b.store_id
      where b.is_active and b.channel_type = 'whatsapp' and b.wa_phone_number_id = any(${missing}::text[])`;
    for (const row of rows) {
      const store = {
        id: row.id,
        name: row.store_name,
        slug: row.store_slug,
        currency: row.currency,
        phoneNumberId: row.wa_phone_number_id,
      };
      cache.set(row.wa_phone_number_id, { store, expires: Date.now() + ttlMs });
      found.set(row.wa_phone_number_id, store);
    }
    return found;
  };
}

import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../dev/local-stack';
import { change, delivery, type Message, sign, type Status } from './meta';

export type Sql = postgres.Sql;

export interface Shop {
  storeId: string;
  ownerId: string;
  slug: string;
  phoneNumberId: string;
  verifyToken: string;
}

export interface ProductSeed {
  sku: string;
  name: string;
  price: string;
  stock?: number | null;
  active?: boolean;
}

/** A store owner, their store, its WhatsApp channel and catalogue. */
export async function createShop(sql: Sql, slug: string, products: ProductSeed[] = []): Promise<Shop> {
  const ownerId = randomUUID();
  const phoneNumberId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
  const verifyToken = `verify-${randomUUID()}`;
  await sql`insert into auth.users (id, email) values (${ownerId}, ${`${slug}@example.test`})`;
  const [store] = await sql<{ id: string }[]>`
    insert into store_settings (user_id, store_name, store_slug, currency)
    values (${ownerId}, ${`Store ${slug}`}, ${slug}, 'UGX') returning id`;
  const storeId = store!.id;
  await sql`insert into business_channel_settings (store_id, channel_type, wa_phone_number_id, webhook_verify_token)
            values (${storeId}, 'whatsapp', ${phoneNumberId}, ${verifyToken})`;
  for (const p of products) {
    await sql`insert into products (store_id, sku, name, price, stock_quantity, is_active)
              values (${storeId}, ${p.sku}, ${p.name}, ${p.price}, ${p.stock ?? null}, ${p.active ?? true})`;
  }
  return { storeId, ownerId, slug, phoneNumberId, verifyToken };
}

export interface PostOptions {
  /** Overrides the correct signature header; null sends none. */
  signature?: string | null;
}

export interface Harness {
  stack: LocalStack;
  sql: Sql;
  webhookUrl: string;
  /** Signs and posts a body exactly as given. */
  post(body: unknown, options?: PostOptions): Promise<Response>;
  /** Posts one delivery with these messages/statuses for the shop and waits until every new message is handled (reply logged). */
  deliver(shop: Shop, content: { messages?: Message[]; statuses?: Status[] }): Promise<Response>;
  waitForProcessed(wamids: string[]): Promise<void>;
  /** Reply texts the fake Graph API received for this customer, oldest first. */
  replies(phone: string): string[];
  lastReply(phone: string): string;
  stop(): Promise<void>;
}

export async function startHarness(options: LocalStackOptions = {}): Promise<Harness> {
  const stack = await startLocalStack(options);
  const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
  const webhookUrl = `${stack.functionsUrl}/whatsapp-webhook`;
  const graph = stack.graph!;

  const post = async (body: unknown, options: PostOptions = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signature = options.signature === undefined ? sign(raw, stack.appSecret) : options.signature;
    return fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
      body: raw,
    });
  };

  const waitForProcessed = async (wamids: string[]) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      // Handled means: marked processed with a note saying why there is no reply, or with its reply logged.
      const [row] = await sql<{ pending: number }[]>`
        select count(*)::int as pending from messaging_log i
        where i.whatsapp_message_id = any(${wamids}) and i.message_type = 'inbound' and i.error_message is null
          and (i.status = 'received' or not exists (
            select 1 from messaging_log o
            where o.message_type = 'outbound_text' and o.message_payload ->> 'in_reply_to' = i.whatsapp_message_id))`;
      if (row!.pending === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${row!.pending} message(s) still unprocessed after 15 s\n${stack.functions.output().slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const deliver = async (shop: Shop, content: { messages?: Message[]; statuses?: Status[] }) => {
    const response = await post(delivery([change(shop.phoneNumberId, content)]));
    if (response.status === 200) await waitForProcessed((content.messages ?? []).map((m) => m.id));
    return response;
  };

  const replies = (phone: string) => graph.sentTo(phone).map((m) => m.body);

  return {
    stack,
    sql,
    webhookUrl,
    post,
    deliver,
    waitForProcessed,
    replies,
    lastReply: (phone) => replies(phone).at(-1) ?? '',
    async stop() {
      await sql.end();
      await stack.stop();
    },
  };
}

let phoneSequence = 0;
/** A fresh customer number per test, so tests never share a cart, consent or rate limit. */
export function newCustomer(): string {
  phoneSequence += 1;
  return `2567${String(process.pid % 1000).padStart(3, '0')}${String(phoneSequence).padStart(5, '0')}`;
}

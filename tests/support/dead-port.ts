import { createServer } from 'node:net';

/** A loopback port with nothing listening: every connection to it is refused at once, as to a WhatsApp that cannot be reached. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

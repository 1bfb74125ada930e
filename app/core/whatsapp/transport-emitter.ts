import type { TransportEventName, TransportEvents } from './whatsapp-transport.js';

/** The typed event half of a WhatsAppConnection, shared by both implementations. */
export class TransportEmitter {
  private readonly listeners = new Map<TransportEventName, Set<(...args: unknown[]) => void>>();

  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const stored = listener as unknown as (...args: unknown[]) => void;
    set.add(stored);
    return () => set.delete(stored);
  }

  emit<E extends TransportEventName>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    // A copy: a listener that re-subscribes (as the supervisor does on reconnect) must not be called again.
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}

import type { EventName, EventPayload } from '../../../shared/contract/api-contract.js';

export type CoreEventListener = (event: EventName, payload: unknown) => void;

/** What the core pushes to whichever shell is attached: the UI never polls. */
export class CoreEvents {
  private readonly listeners = new Set<CoreEventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) listener(event, payload);
  }

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

import type { EventName, EventPayload } from '../../../shared/contract/api-contract.js';

export type CoreEventListener = (event: EventName, payload: unknown) => void;

/** What the core pushes to whichever shell is attached: the UI never polls. */
export class CoreEvents {
  private readonly listeners = new Set<CoreEventListener>();

  /** `onListenerError` hears a subscriber that threw; the other subscribers and the emitter carry on. */
  constructor(private readonly onListenerError: (error: unknown, event: EventName) => void = () => undefined) {}

  /**
   * Never throws: an event reports something that already happened (a send, a state change),
   * and a failing subscriber must not make the emitter think it did not.
   */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (error) {
        try {
          this.onListenerError(error, event);
        } catch {
          // The error reporter itself failed; nothing more can be done for this listener.
        }
      }
    }
  }

  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

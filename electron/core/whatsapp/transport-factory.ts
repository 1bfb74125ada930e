import { DeferredConnection } from './deferred-connection.js';
import { defaultSimulatorOptions, SimulatedTransport, type SimulatorOptions } from './simulator/simulated-transport.js';
import type { ConnectionContext, TransportKind, WhatsAppConnection, WhatsAppTransportFactory } from './whatsapp-transport.js';

export interface TransportFactoryOptions {
  simulator?: Partial<SimulatorOptions>;
  /** Points Baileys at another server (tests use a dead local port). */
  baileysWebSocketUrl?: string;
}

/** The production factory: Baileys for real accounts (loaded when first needed), the simulator for the demo. */
export function createTransportFactory(options: TransportFactoryOptions = {}): WhatsAppTransportFactory {
  return {
    create(kind: TransportKind, context: ConnectionContext): WhatsAppConnection {
      if (kind === 'simulator') return new SimulatedTransport(context, { ...defaultSimulatorOptions, ...options.simulator });
      return new DeferredConnection(async () => {
        const { BaileysTransport } = await import('./baileys/baileys-transport.js');
        return new BaileysTransport(context, { webSocketUrl: options.baileysWebSocketUrl });
      });
    },
  };
}

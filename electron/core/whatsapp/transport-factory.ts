import { BaileysTransport } from './baileys/baileys-transport.js';
import { defaultSimulatorOptions, SimulatedTransport, type SimulatorOptions } from './simulator/simulated-transport.js';
import type { ConnectionContext, TransportKind, WhatsAppConnection, WhatsAppTransportFactory } from './whatsapp-transport.js';

export interface TransportFactoryOptions {
  simulator?: Partial<SimulatorOptions>;
  /** Points Baileys at another server (tests use a dead local port). */
  baileysWebSocketUrl?: string;
}

/** The production factory: Baileys for real accounts, the simulator for the demo. */
export function createTransportFactory(options: TransportFactoryOptions = {}): WhatsAppTransportFactory {
  return {
    create(kind: TransportKind, context: ConnectionContext): WhatsAppConnection {
      return kind === 'simulator'
        ? new SimulatedTransport(context, { ...defaultSimulatorOptions, ...options.simulator })
        : new BaileysTransport(context, { webSocketUrl: options.baileysWebSocketUrl });
    },
  };
}

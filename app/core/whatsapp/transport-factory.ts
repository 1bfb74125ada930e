import { DeferredConnection } from './deferred-connection.js';
import { defaultSimulatorOptions, SimulatedTransport, type SimulatorOptions } from './simulator/simulated-transport.js';
import type { ConnectionContext, TransportKind, WhatsAppConnection, WhatsAppTransportFactory } from './whatsapp-transport.js';

export interface TransportFactoryOptions {
  simulator?: Partial<SimulatorOptions>;
  /**
   * Points Baileys at another server (tests: a dead local port, or a local WhatsApp-protocol
   * server). The web client version is then not asked of web.whatsapp.com: that server is
   * not WhatsApp, and the question would leave the machine.
   */
  baileysWebSocketUrl?: string | undefined;
}

/** The production factory: Baileys for real accounts (loaded when first needed), the simulator for the demo. */
export function createTransportFactory(options: TransportFactoryOptions = {}): WhatsAppTransportFactory {
  return {
    create(kind: TransportKind, context: ConnectionContext): WhatsAppConnection {
      if (kind === 'simulator') return new SimulatedTransport(context, { ...defaultSimulatorOptions, ...options.simulator });
      return new DeferredConnection(async () => {
        const { BaileysTransport } = await import('./baileys/baileys-transport.js');
        const url = options.baileysWebSocketUrl;
        return new BaileysTransport(context, url ? { webSocketUrl: url, fetchVersion: async () => null } : {});
      });
    },
  };
}

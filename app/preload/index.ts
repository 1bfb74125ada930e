import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ConsoleBridge } from '../../shared/contract/api-contract.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/contract/ipc-channels.js';

// Exactly the bridge of the contract: one call function and one event subscription.
// The raw ipcRenderer and its event objects never reach the page.
const bridge: ConsoleBridge = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input),
  onEvent: (listener) => {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown): void => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('consoleBridge', bridge);

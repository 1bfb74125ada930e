import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_INVOKE_CHANNEL } from '../../shared/contract/ipc-channels.js';
import { fail, type Result } from '../../shared/contract/result.js';
import type { Core } from '../core/composition-root.js';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Every call from the UI enters through one channel; the core checks the method against
 * the contract and validates the input, so nothing is handled that the contract lacks.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  core: Pick<Core, 'invoke'>,
  isTrusted: SenderCheck,
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!isTrusted(event)) return fail('forbidden', 'This window is not allowed to operate the console.');
    return core.invoke(method, input);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

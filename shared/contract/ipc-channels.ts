// Kept free of schema code so the sandboxed preload bundle stays tiny: it forwards calls,
// and the main process validates them against the contract.
export const IPC_INVOKE_CHANNEL = 'console:invoke';
export const IPC_EVENT_CHANNEL = 'console:event';

export interface QuitControllerOptions {
  /** Stops timers and connections and closes the database. */
  stopCore(): Promise<void>;
  /** Ends the process once the core is stopped (or given up on). */
  exit(): void;
  /** Runs first when quitting starts: tray and event forwarding stop touching the core. */
  onQuitting(): void;
  log(message: string, error?: unknown): void;
  /** How long a clean stop may take before the app quits anyway. */
  stopDeadlineMs?: number;
}

/**
 * Every way the app ends — Quit, Cmd+Q, the OS shutting down or the user logging off —
 * goes through here: the core stops once, within a deadline, and errors on the way are
 * logged instead of surfacing as "A JavaScript error occurred" dialogs.
 */
export class QuitController {
  private state: 'running' | 'stopping' | 'stopped' = 'running';

  constructor(private readonly options: QuitControllerOptions) {}

  get quitting(): boolean {
    return this.state !== 'running';
  }

  /**
   * For Electron's `before-quit`: true while the core still has to stop, so the caller
   * prevents this quit; `exit()` is called when it has.
   */
  beforeQuit(): boolean {
    if (this.state === 'stopped') return false;
    this.stopOnce();
    return true;
  }

  /** The session is ending (shutdown, restart, log-off): stop now, then quit. */
  sessionEnding(reason: string): void {
    this.options.log(`stopping for ${reason}`);
    this.stopOnce();
  }

  private stopOnce(): void {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    this.options.onQuitting();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.options.log('the core did not stop in time; quitting anyway');
        resolve();
      }, this.options.stopDeadlineMs ?? 5_000);
    });
    const stopped = Promise.resolve()
      .then(() => this.options.stopCore())
      .catch((error: unknown) => this.options.log('stopping the core failed', error));
    void Promise.race([stopped, deadline]).then(() => {
      clearTimeout(timer);
      this.state = 'stopped';
      this.options.exit();
    });
  }
}

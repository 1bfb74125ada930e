import type { EventName, MethodName, MethodOutput } from '../../shared/contract/api-contract.js';
import type { Result } from '../../shared/contract/result.js';
import type { TrayActionId } from './tray.js';
import { todaysWorkshop, trayMenuModel, type TrayModel } from './tray-menu-model.js';

/** The core's router (`Core.invoke`): validated output, typed here by the method called. */
type Invoke = (method: MethodName, input: Record<string, never>) => Promise<Result<unknown>>;
const call = async <M extends MethodName>(invoke: Invoke, method: M) => (await invoke(method, {})) as Result<MethodOutput<M>>;

export interface TrayControllerOptions {
  /** The core's API router: the tray is one more caller, like the window. */
  invoke: Invoke;
  show(model: TrayModel): void;
  /** The count on the app's badge (0 hides it): new customer messages and paid orders, as Settings chose. */
  showBadge?(count: number): void;
  now(): number;
  onOpen(): void;
  onQuit(): void;
  /** Membership changes arrive in bursts; the join rate in the tray may lag this long. */
  workshopsRefreshMs?: number;
}

const SESSION_EVENTS: ReadonlySet<EventName> = new Set(['sessions:changed', 'sessions:removed', 'messages:status-changed']);
const WORKSHOP_EVENTS: ReadonlySet<EventName> = new Set(['members:changed', 'workshops:changed']);
// A pull, a read mark or a shipped order changes the count; Settings switch each kind on and off.
const BADGE_EVENTS: ReadonlySet<EventName> = new Set(['shop:changed', 'settings:changed']);

/**
 * Keeps the tray's menu and tooltip current and carries out its actions through the same
 * API as the UI. After `stop()` (quitting) it does nothing: a late event or timer must not
 * reach a core that has closed its database.
 */
export class TrayController {
  private today: ReturnType<typeof todaysWorkshop> = null;
  private workshopsTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: TrayControllerOptions) {}

  /** Today's workshop needs every workshop's stats: computed at start and on a throttle. */
  async start(): Promise<void> {
    await this.refreshWorkshops();
    await this.refresh();
    await this.refreshBadge();
  }

  onEvent(event: EventName): void {
    if (this.stopped) return;
    if (SESSION_EVENTS.has(event)) void this.refresh();
    if (WORKSHOP_EVENTS.has(event)) this.refreshWorkshopsSoon();
    if (BADGE_EVENTS.has(event)) void this.refreshBadge();
  }

  async action(id: TrayActionId): Promise<void> {
    if (this.stopped) return;
    if (id === 'open') this.options.onOpen();
    else if (id === 'quit') this.options.onQuit();
    else {
      await call(this.options.invoke, id === 'pause' ? 'messages:pause' : 'messages:resume');
      await this.refresh();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.workshopsTimer) clearTimeout(this.workshopsTimer);
    this.workshopsTimer = null;
  }

  private refreshWorkshopsSoon(): void {
    this.workshopsTimer ??= setTimeout(() => {
      this.workshopsTimer = null;
      void this.refreshWorkshops().then(() => this.refresh());
    }, this.options.workshopsRefreshMs ?? 5_000);
  }

  private async refreshWorkshops(): Promise<void> {
    const workshops = await call(this.options.invoke, 'workshops:list');
    if (workshops.ok) this.today = todaysWorkshop(workshops.value, this.options.now());
  }

  private async refreshBadge(): Promise<void> {
    if (!this.options.showBadge) return;
    const badge = await call(this.options.invoke, 'shop:badge');
    if (!this.stopped && badge.ok) this.options.showBadge(badge.value.count);
  }

  private async refresh(): Promise<void> {
    const [sessions, sender] = await Promise.all([
      call(this.options.invoke, 'sessions:list'),
      call(this.options.invoke, 'messages:status'),
    ]);
    // A failed call means the core is stopping; the menu keeps its last state.
    if (this.stopped || !sessions.ok || !sender.ok) return;
    this.options.show(trayMenuModel(sessions.value, sender.value, this.options.now(), this.today));
  }
}

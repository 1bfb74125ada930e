import type { Page } from 'playwright-core';

/** A user's action as the browser delivers it: a click (by selector, or on the button with that text) or typing into a field. */
export type PageAct = 'idle' | { click: string } | { clickText: string } | { type: string; into: string };

/**
 * What the page must show: every selector present, with its text where one is given (`first`:
 * the first element matching has it, else any of them); `count`: exactly that many elements match.
 */
export interface OnScreen {
  present: { selector: string; text?: string; first?: boolean }[];
  count?: { selector: string; n: number };
}

/**
 * Runs `act` in the page and resolves with the time until an animation frame finds `want`
 * on screen, i.e. the frame that paints it (`null`: the next frame, an idle baseline).
 * Rejects after 10 s with what was missing. The page keeps the action's start and painted
 * frame on its own clock in `window.__lastAct`, so a bench can split the time afterwards.
 * `mark` names the action's start in a Chromium trace (a TimeStamp event), if one is recording.
 */
export function timeInPage(page: Page, act: PageAct, want: OnScreen | null, mark?: string): Promise<number> {
  return page.evaluate(
    async ([act, want, mark]) => {
      const missing = () => {
        if (!want) return null;
        for (const { selector, text, first } of want.present) {
          const found = first
            ? [document.querySelector(selector)].filter((element) => element !== null)
            : [...document.querySelectorAll(selector)];
          if (!found.some((element) => text === undefined || element.textContent === text)) return `${selector} ${text ?? ''}`;
        }
        const count = want.count && document.querySelectorAll(want.count.selector).length;
        if (want.count && count !== want.count.n) return `${count} of ${want.count.selector} instead of ${want.count.n}`;
        return null;
      };
      const started = performance.now();
      if (mark) console.timeStamp(mark);
      if (act !== 'idle') {
        if ('click' in act) (document.querySelector(act.click) as HTMLElement).click();
        else if ('clickText' in act)
          [...document.querySelectorAll('button')].find((button) => button.textContent?.trim() === act.clickText)!.click();
        else {
          const field = document.querySelector(act.into) as HTMLInputElement;
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(field, act.type);
          field.dispatchEvent(new Event('input', { bubbles: true }));
        }
      }
      for (;;) {
        const at = await new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
        const problem = missing();
        if (problem === null) {
          (window as unknown as { __lastAct: { started: number; at: number } }).__lastAct = { started, at };
          return at - started;
        }
        if (at - started > 10_000) throw new Error(`not on screen after 10 s: ${problem}`);
      }
    },
    [act, want, mark] as const,
  );
}

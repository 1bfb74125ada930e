import type { Page } from 'playwright-core';

/** The accessible name the console gives the QR code to scan with WhatsApp. */
export const QR_LABEL = 'QR code to scan with WhatsApp';

/** From the page's next load on, records whether a QR code was ever drawn, however briefly. */
export async function watchForQr(page: Page): Promise<void> {
  await page.addInitScript((label) => {
    const flag = window as unknown as { sawQr?: boolean };
    new MutationObserver(() => {
      if (document.querySelector(`[aria-label="${label}"]`)) flag.sawQr = true;
    }).observe(document, { childList: true, subtree: true });
  }, QR_LABEL);
}

/** Whether the page drew a QR code since `watchForQr`. */
export function sawQr(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { sawQr?: boolean }).sawQr ?? false);
}

// A headless Chromium for the console tests: the machine's Chromium on Linux (CHROMIUM_PATH overrides it),
// Playwright's own browser elsewhere. Screenshots go to the git-ignored test-results/console/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { chromium, type Browser, type Page } from 'playwright-core';

const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'console');

function executablePath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (process.platform === 'linux' && existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined; // Playwright's own (npx playwright-core install chromium)
}

export async function launchBrowser(t: Test): Promise<Browser> {
  const path = executablePath();
  const browser = await chromium.launch({
    ...(path ? { executablePath: path } : {}),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

export async function screenshot(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * The elements that stick out past the viewport's right edge, and the page width when it is wider than the
 * viewport (a layout that breaks on small screens). Content scrolled inside a `.table-wrap` is fine.
 */
export async function overflowingElements(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 1 && !el.parentElement?.closest('.table-wrap')) {
        const cls = typeof el.className === 'string' && el.className ? '.' + el.className : '';
        out.push(el.tagName.toLowerCase() + cls);
      }
    }
    const width = document.documentElement.scrollWidth;
    if (width > window.innerWidth + 1) out.push('scrollWidth ' + width);
    return out.slice(0, 10);
  })()`)) as string[];
}

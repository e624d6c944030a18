// Debian's Chromium driven by playwright-core, for the Web UI's tests and
// screenshots; and the wait for a Web UI to answer.

import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { requirementMet } from './requirements.ts'

export const CHROMIUM = '/usr/bin/chromium'

/** True when Chromium is there; otherwise registers the failing (or loudly skipped) test saying how to install it. */
export function chromiumPresent(): boolean {
  return requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
}

/** Resolves once the Web UI at `url` answers its page (the sidecar starts just after the API). */
export async function waitForWebUi(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then((r) => r.ok).catch(() => false)) return
    await Bun.sleep(50)
  }
  throw new Error(`the Web UI at ${url} did not come up`)
}

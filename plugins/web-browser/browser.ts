// The one browser of a web-browser component, through playwright-core:
// Chromium launched from this machine's own copy (never a downloaded one), a
// persistent profile (`persistent_dir`), or a running Chrome attached over
// CDP (`cdp_url`, or `driver: chrome`'s debugger address). Each session gets
// its own page; a launched browser gives each page its own context, as
// model-compose's playwright driver does.

import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { upstreamFailed } from '../../core/plugin/api.ts'
import type { BrowserSettings } from './schema.ts'

const NO_CHROMIUM = 'web-browser needs Chromium: install it with "apt-get install chromium" (Debian/Ubuntu) or set executable_path'

/** Where Debian puts it, then the names other systems give it, looked up in PATH. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

/** Flags for Chromium in a container (the sandbox is off: playwright's default, needed as root). */
const LAUNCH_FLAGS = ['--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']

/** How the component reaches its browser, decided from its settings. */
export type BrowserPlan =
  | { kind: 'launch'; executablePath?: string; channel?: string; headless: boolean; args: string[]; profileDir?: string }
  | { kind: 'attach'; url: string; driver: 'chrome' | 'playwright' }

/** An open browser: pages on demand, and a close that ends what mc started. */
export interface OpenBrowser {
  newPage(): Promise<Page>
  /** Called when the browser goes away by itself (crash, the attached Chrome quits). */
  onGone(listener: () => void): void
  close(): Promise<void>
}

export function planOf(settings: BrowserSettings, baseDir: string): BrowserPlan {
  if ((settings.driver ?? 'chrome') === 'chrome') {
    const debug = settings.debugger ?? {}
    const url = debug.url ?? `${debug.protocol ?? 'http'}://${debug.host ?? settings.host ?? 'localhost'}:${debug.port ?? settings.port ?? 9222}`
    return { kind: 'attach', url, driver: 'chrome' }
  }
  if (settings.cdp_url) return { kind: 'attach', url: settings.cdp_url, driver: 'playwright' }
  const channel = settings.channel ?? undefined
  return {
    kind: 'launch',
    // A channel names a browser installed where its maker puts it; playwright-core finds it there.
    ...(channel ? { channel } : { executablePath: findChromium(settings.executable_path, baseDir) }),
    headless: settings.headless ?? true,
    args: settings.args ?? [],
    ...(settings.persistent_dir ? { profileDir: resolve(baseDir, settings.persistent_dir) } : {}),
  }
}

/** The Chromium to launch: executable_path, else the system's; never a download. */
function findChromium(executablePath: string | undefined, baseDir: string): string {
  if (executablePath !== undefined) {
    const path = resolve(baseDir, executablePath)
    if (isFile(path)) return path
    throw new Error(`${NO_CHROMIUM} (executable_path "${executablePath}" is not a file)`)
  }
  if (isFile(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM
  for (const name of CHROMIUM_NAMES) {
    const found = Bun.which(name)
    if (found) return found
  }
  throw new Error(NO_CHROMIUM)
}

export async function openBrowser(plan: BrowserPlan, timeoutMs: number): Promise<OpenBrowser> {
  if (plan.kind === 'attach') return attach(plan.url, timeoutMs)
  const options = {
    ...(plan.executablePath ? { executablePath: plan.executablePath } : { channel: plan.channel }),
    headless: plan.headless,
    args: [...LAUNCH_FLAGS, ...plan.args],
    timeout: timeoutMs,
    // mc's own shutdown closes the browser; playwright-core must not exit the process on a signal.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  }
  const what = plan.executablePath ?? `channel "${plan.channel}"`
  try {
    if (plan.profileDir) return ofContext(await chromium.launchPersistentContext(plan.profileDir, options))
    return ofBrowser(await chromium.launch(options), (browser) => browser.newPage())
  } catch (error) {
    throw upstreamFailed(`web-browser could not start Chromium (${what}): ${firstLine(error)}`)
  }
}

async function attach(url: string, timeoutMs: number): Promise<OpenBrowser> {
  let browser: Browser
  try {
    browser = await chromium.connectOverCDP(url, { timeout: timeoutMs })
  } catch (error) {
    throw upstreamFailed(`web-browser could not attach to the browser at ${url} (started with --remote-debugging-port?): ${firstLine(error)}`)
  }
  // Pages open in the browser's own context, beside the user's tabs; closing only disconnects.
  return ofBrowser(browser, async (attached) => (attached.contexts()[0] ?? (await attached.newContext())).newPage())
}

function ofBrowser(browser: Browser, newPage: (browser: Browser) => Promise<Page>): OpenBrowser {
  return {
    newPage: () => newPage(browser),
    onGone: (listener) => browser.on('disconnected', listener),
    close: () => browser.close(),
  }
}

function ofContext(context: BrowserContext): OpenBrowser {
  return {
    newPage: () => context.newPage(),
    onGone: (listener) => context.on('close', listener),
    close: () => context.close(),
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The first line of a playwright-core error, without its "api.call: " prefix or call log. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return (message.split('\n')[0] ?? '').replace(/^[\w.]+: /, '').trim()
}

// A web-browser component's browser and its pages, opened once and shared by
// its runs: launched at start (so a missing Chromium stops `mc up` at once) or
// attached on first use (a Chrome to attach to may start after mc). A browser
// that goes away by itself is opened again by the next action.

import type { Logger } from '../../core/plugin/api.ts'
import { openBrowser, type BrowserPlan, type OpenBrowser } from './browser.ts'
import { PagePool, type PageLimits } from './pages.ts'

interface Opened {
  browser: OpenBrowser
  pool: PagePool
}

export class BrowserConnection {
  private opening: Promise<Opened> | undefined
  private closed = false

  constructor(
    private readonly plan: () => BrowserPlan,
    private readonly timeoutMs: number,
    private readonly limits: PageLimits,
    private readonly log: Logger,
  ) {}

  /** The pages of the open browser, opening it first if needed. */
  async pages(): Promise<PagePool> {
    return (await this.open()).pool
  }

  open(): Promise<Opened> {
    if (this.closed) return Promise.reject(new Error('web-browser: the component has stopped'))
    this.opening ??= this.openNow()
    return this.opening
  }

  /** Closes every page mc opened, then the browser: a launched one ends with all its processes. */
  async close(): Promise<void> {
    this.closed = true
    const opening = this.opening
    this.opening = undefined
    const opened = await opening?.catch(() => undefined)
    if (!opened) return
    await opened.pool.closeAll()
    await opened.browser.close().catch((error: unknown) => this.log.warn(`web-browser: closing the browser failed: ${String(error)}`))
  }

  private async openNow(): Promise<Opened> {
    const plan = this.plan()
    try {
      const browser = await openBrowser(plan, this.timeoutMs)
      const pool = new PagePool(() => browser.newPage(), this.limits)
      const opening = this.opening
      browser.onGone(() => {
        if (this.closed || this.opening !== opening) return
        this.log.warn('web-browser: the browser went away; the next action opens it again')
        void pool.closeAll()
        this.opening = undefined
      })
      this.log.debug(plan.kind === 'launch' ? `web-browser: launched ${plan.executablePath ?? plan.channel}` : `web-browser: attached to ${plan.url}`)
      return { browser, pool }
    } catch (error) {
      this.opening = undefined
      throw error
    }
  }
}

// The pages of a web-browser component, one per session (`session_id`, else
// the default one), as model-compose keeps them. mc bounds them: at most
// `maxPages` open at once (the least recently used idle one makes room), a
// page idle longer than `idleMs` is closed (its session starts over on a fresh
// page), and the actions of one session run one at a time, in order.

import type { Page } from 'playwright-core'
import { HttpError } from '../../core/plugin/api.ts'

interface Slot {
  page: Promise<Page>
  /** The page once open. */
  opened?: Page
  /** The end of this session's queue of actions. */
  tail: Promise<unknown>
  /** Actions queued or running. */
  active: number
  lastUsed: number
}

export interface PageLimits {
  maxPages: number
  idleMs: number
}

export class PagePool {
  private readonly slots = new Map<string, Slot>()
  private readonly sweeper: ReturnType<typeof setInterval>

  constructor(
    private readonly open: () => Promise<Page>,
    private readonly limits: PageLimits,
  ) {
    this.sweeper = setInterval(() => void this.closeIdle(), Math.min(limits.idleMs / 2, 60_000))
    this.sweeper.unref?.()
  }

  /** Runs `work` on the session's page once the session's earlier actions are done. */
  use<T>(session: string, work: (page: Page) => Promise<T>): Promise<T> {
    const slot = this.slotOf(session)
    slot.active++
    const run = slot.tail.then(async () => {
      const page = await slot.page
      return work(page)
    })
    slot.tail = run.then(
      () => this.release(slot),
      () => this.release(slot),
    )
    return run
  }

  /** Closes the session's page (after a cancelled or overrun action): its next action opens a fresh one. */
  async discard(session: string): Promise<void> {
    const slot = this.slots.get(session)
    if (!slot) return
    this.slots.delete(session)
    await closePage(slot.page)
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper)
    const slots = [...this.slots.values()]
    this.slots.clear()
    await Promise.all(slots.map((slot) => closePage(slot.page)))
  }

  private slotOf(session: string): Slot {
    const known = this.slots.get(session)
    if (known && !known.opened?.isClosed()) return known
    if (known) this.slots.delete(session)
    if (this.slots.size >= this.limits.maxPages) this.makeRoom()
    const page = this.open()
    const slot: Slot = { page, tail: Promise.resolve(), active: 0, lastUsed: Date.now() }
    page.then(
      (opened) => (slot.opened = opened),
      () => this.slots.get(session) === slot && this.slots.delete(session),
    )
    this.slots.set(session, slot)
    return slot
  }

  private makeRoom(): void {
    const idle = [...this.slots.entries()].filter(([, slot]) => slot.active === 0).sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0]
    if (!idle) {
      throw new HttpError(503, `web-browser: all ${this.limits.maxPages} pages are busy (MC_WEB_BROWSER_MAX_PAGES); retry later or raise it`)
    }
    void this.discard(idle[0])
  }

  private release(slot: Slot): void {
    slot.active--
    slot.lastUsed = Date.now()
  }

  private async closeIdle(): Promise<void> {
    const now = Date.now()
    for (const [session, slot] of this.slots) {
      if (slot.active === 0 && now - slot.lastUsed > this.limits.idleMs) await this.discard(session)
    }
  }
}

async function closePage(page: Promise<Page>): Promise<void> {
  try {
    await (await page).close()
  } catch {
    // already gone with its browser
  }
}

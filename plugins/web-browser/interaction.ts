// `click`, `input-text` and `scroll`, with model-compose's results. An
// element is the first one its selector or XPath matches (as the chrome
// driver's querySelector picks it), waited for up to the action's timeout.

import { flagOf, invalidInput, upstreamFailed } from '../../core/plugin/api.ts'
import { firstLine } from './browser.ts'
import { isTimeout, timedOut, type ActionContext } from './action-context.ts'
import type { BrowserAction } from './schema.ts'
import { requiredTarget, targetOf, textOf, wholeOf, type Target } from './values.ts'

/** Clicks the middle of the element (or the point x, y); gives the point clicked. */
export async function click(context: ActionContext, action: BrowserAction): Promise<{ x: number; y: number }> {
  const target = targetOf(action)
  const x = wholeOf(action.x, 'x')
  const y = wholeOf(action.y, 'y')
  if (target && x !== null && y !== null) throw invalidInput("Only one of 'selector', 'xpath', or coordinates('x' and 'y') can be provided.")
  let point: { x: number; y: number }
  if (target) {
    const box = await acting(context, target, () => context.page.locator(target.locator).first().boundingBox({ timeout: context.timeoutMs }))
    if (!box) throw timedOut(context, `${target.label} matched no visible element`)
    point = { x: Math.trunc(box.x + box.width / 2), y: Math.trunc(box.y + box.height / 2) }
  } else if (x !== null && y !== null) {
    point = { x, y }
  } else {
    throw invalidInput("One of 'selector', 'xpath', or coordinates('x' and 'y') must be provided.")
  }
  await context.page.mouse.click(point.x, point.y)
  return point
}

/** Types into the element: replacing its content (clear_first, the default) or after it, key by key. */
export async function inputText(context: ActionContext, action: BrowserAction): Promise<{ typed: string }> {
  const target = requiredTarget(action)
  const text = textOf(action.text, 'text', 'input-text')
  const element = context.page.locator(target.locator).first()
  const options = { timeout: context.timeoutMs }
  await acting(context, target, () => (flagOf(action.clear_first, 'clear_first', true) ? element.fill(text, options) : element.pressSequentially(text, options)))
  return { typed: text }
}

/**
 * Without an element, scrolls the page by x, y; with one, scrolls it into
 * view, or its own content by x, y when given.
 */
export async function scroll(context: ActionContext, action: BrowserAction): Promise<{ scrolled_x: number | null; scrolled_y: number | null }> {
  const target = targetOf(action)
  const x = wholeOf(action.x, 'x')
  const y = wholeOf(action.y, 'y')
  if (!target && x === null && y === null) throw invalidInput("At least one of 'selector', 'xpath', or coordinates('x' and 'y') must be provided.")
  const by = [x ?? 0, y ?? 0] as const
  if (!target) {
    await context.page.evaluate(([dx, dy]) => (globalThis as unknown as { scrollBy(x: number, y: number): void }).scrollBy(dx, dy), by)
  } else {
    const element = context.page.locator(target.locator).first()
    const options = { timeout: context.timeoutMs }
    if (x !== null || y !== null) await acting(context, target, () => element.evaluate((node, [dx, dy]) => node.scrollBy(dx, dy), by, options))
    else await acting(context, target, () => element.scrollIntoViewIfNeeded(options))
  }
  return { scrolled_x: x, scrolled_y: y }
}

/** Runs one step on an element; a wait that runs out names the element. */
async function acting<T>(context: ActionContext, target: Target, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    if (isTimeout(error)) throw timedOut(context, `no element matched ${target.label}`)
    throw upstreamFailed(`${context.method}: ${target.label}: ${firstLine(error)}`)
  }
}

// `navigate` and `wait-for`. A URL comes from the caller as often as not, so
// mc opens http(s) pages (and about:blank) only; file:// URLs need the
// component's `allow_file_urls: true`, and other schemes (chrome:, view-source:,
// javascript:...) are refused.

import { invalidInput, upstreamFailed } from '../../core/plugin/api.ts'
import { firstLine } from './browser.ts'
import { isTimeout, timedOut, type ActionContext } from './action-context.ts'
import { CONDITIONS, WAIT_UNTIL, type BrowserAction } from './schema.ts'
import { choiceOf, requiredTarget, textOf } from './values.ts'

/** The playwright-core state each of model-compose's conditions waits for. */
const STATES = { present: 'attached', visible: 'visible', hidden: 'hidden' } as const

/** As model-compose: playwright gives `{url, status}`; chrome (CDP) gives `{url, frameId}`. */
export async function navigate(context: ActionContext, action: BrowserAction): Promise<Record<string, unknown>> {
  const url = textOf(action.url, 'url', 'navigate')
  checkUrl(url, context.allowFileUrls)
  const waitUntil = choiceOf(action.wait_until, WAIT_UNTIL, 'wait_until', 'load')
  let response
  try {
    response = await context.page.goto(url, { waitUntil, timeout: context.timeoutMs })
  } catch (error) {
    if (isTimeout(error)) throw timedOut(context, `${url} did not reach "${waitUntil}"`)
    throw upstreamFailed(`navigate: could not open ${url}: ${firstLine(error)}`)
  }
  if (context.driver === 'chrome') return { url, frameId: await frameIdOf(context) }
  return { url, status: response?.status() ?? null }
}

/** As model-compose's playwright driver: nothing once the condition holds. */
export async function waitFor(context: ActionContext, action: BrowserAction): Promise<null> {
  const target = requiredTarget(action)
  const condition = choiceOf(action.condition, CONDITIONS, 'condition', 'present')
  try {
    await context.page.locator(target.locator).first().waitFor({ state: STATES[condition], timeout: context.timeoutMs })
  } catch (error) {
    if (isTimeout(error)) throw timedOut(context, `${target.label} was not ${condition}`)
    throw upstreamFailed(`wait-for: ${target.label}: ${firstLine(error)}`)
  }
  return null
}

function checkUrl(url: string, allowFileUrls: boolean): void {
  let scheme: string
  try {
    scheme = new URL(url).protocol
  } catch {
    throw invalidInput(`url: expected an absolute URL such as https://example.com, got ${JSON.stringify(url)}`)
  }
  if (scheme === 'http:' || scheme === 'https:' || url === 'about:blank') return
  if (scheme === 'file:' && allowFileUrls) return
  const hint = scheme === 'file:' ? ': file:// pages need "allow_file_urls: true" on the component' : ''
  throw invalidInput(`url: mc's web-browser opens http and https pages, not ${scheme} ones${hint}`)
}

/** The main frame's id, as Chrome's DevTools protocol names it. */
async function frameIdOf(context: ActionContext): Promise<string> {
  const session = await context.page.context().newCDPSession(context.page)
  try {
    const { frameTree } = await session.send('Page.getFrameTree')
    return frameTree.frame.id
  } finally {
    await session.detach().catch(() => {})
  }
}

// `get-cookies` and `set-cookies`, on the context of the session's page (a
// launched browser gives each session its own; an attached one shares the
// browser's). Cookies are playwright-core's objects, as model-compose's
// playwright driver gives them.

import { invalidInput, toText, upstreamFailed } from '../../core/plugin/api.ts'
import { firstLine } from './browser.ts'
import type { ActionContext } from './action-context.ts'
import type { BrowserAction } from './schema.ts'
import { given } from './values.ts'

type Cookie = Parameters<ReturnType<ActionContext['page']['context']>['addCookies']>[0][number]

/** The cookies for `urls` (one or a list), or all of them. */
export async function getCookies(context: ActionContext, action: BrowserAction): Promise<unknown[]> {
  const urls = !given(action.urls) ? [] : Array.isArray(action.urls) ? action.urls.map(toText) : [toText(action.urls)]
  return context.page.context().cookies(urls)
}

/** Sets each cookie (name, value, and url or domain and path...); gives nothing back, as model-compose. */
export async function setCookies(context: ActionContext, action: BrowserAction): Promise<null> {
  const cookies = action.cookies
  if (!Array.isArray(cookies) || !cookies.every((cookie) => cookie !== null && typeof cookie === 'object' && !Array.isArray(cookie))) {
    throw invalidInput('cookies: expected a list of cookies, each with name, value, and url or domain and path')
  }
  try {
    await context.page.context().addCookies(cookies as Cookie[])
  } catch (error) {
    const message = firstLine(error)
    throw /cookie/i.test(message) ? invalidInput(`cookies: ${message}`) : upstreamFailed(`set-cookies: ${message}`)
  }
  return null
}

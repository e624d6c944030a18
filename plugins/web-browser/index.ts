// The `web-browser` component (model-compose 0.4.92): browser actions
// (`navigate`, `click`, `input-text`, `screenshot`, `evaluate`, `wait-for`,
// `extract`, `scroll`, `get-cookies`, `set-cookies`) on Chromium through
// playwright-core. `driver: playwright` launches this machine's Chromium
// (browser.ts: never a downloaded one) or attaches by `cdp_url`; `driver:
// chrome`, the default, attaches to a running Chrome's debugger. Each
// `session_id` has its own page (pages.ts bounds them); every action is bounded
// by its timeout and the run's cancellation (guard.ts).

import {
  bodyLimitsOf,
  countSetting,
  defineComponentPlugin,
  invalidInput,
  notInMc,
  secondsSetting,
  toMilliseconds,
  toText,
  type RunResult,
} from '../../core/plugin/api.ts'
import type { ActionContext } from './action-context.ts'
import { planOf, type BrowserPlan } from './browser.ts'
import { checkAction, checkSettings } from './checks.ts'
import { BrowserConnection } from './connection.ts'
import { getCookies, setCookies } from './cookies.ts'
import { guarded } from './guard.ts'
import { click, inputText, scroll } from './interaction.ts'
import { navigate, waitFor } from './navigation.ts'
import { evaluate, extract, screenshot } from './reading.ts'
import { BrowserActionSchema, BrowserSettingsSchema, DEFAULT_TIMEOUT_SECONDS, METHODS, type BrowserAction, type BrowserSettings, type Method } from './schema.ts'
import { given } from './values.ts'

const ACTIONS: Record<Method, (context: ActionContext, action: BrowserAction) => Promise<unknown>> = {
  navigate,
  'wait-for': waitFor,
  extract,
  screenshot,
  click,
  'input-text': inputText,
  scroll,
  evaluate,
  'get-cookies': getCookies,
  'set-cookies': setCookies,
}

/** The page of actions without a `session_id`. */
const DEFAULT_SESSION = '__default__'
const DEFAULT_MAX_PAGES = 8
const DEFAULT_IDLE_SECONDS = 300

const webBrowserPlugin = defineComponentPlugin<BrowserSettings, BrowserAction>({
  type: 'web-browser',
  settings: BrowserSettingsSchema,
  action: BrowserActionSchema,
  defaultOutput: '${result}',
  checkSettings,
  checkAction,
  create(settings, { env, baseDir, log }) {
    const componentTimeoutMs = toMilliseconds(settings.timeout ?? DEFAULT_TIMEOUT_SECONDS)
    const maxBytes = bodyLimitsOf(env).maxResponseBytes
    const limits = {
      maxPages: countSetting(env, 'MC_WEB_BROWSER_MAX_PAGES', DEFAULT_MAX_PAGES),
      idleMs: secondsSetting(env, 'MC_WEB_BROWSER_IDLE_SECONDS', DEFAULT_IDLE_SECONDS) * 1000,
    }
    let plan: BrowserPlan | undefined
    const planned = () => (plan ??= planOf(settings, baseDir))
    const connection = new BrowserConnection(planned, componentTimeoutMs, limits, log)
    const driver = settings.driver === 'playwright' ? 'playwright' : 'chrome'
    const allowFileUrls = settings.allow_file_urls === true
    return {
      async prepare() {
        planned()
      },
      async start() {
        if (planned().kind === 'launch') await connection.open()
      },
      stop: () => connection.close(),
      async run(action, { signal, input }): Promise<RunResult> {
        const method = methodOf(action.method)
        const timeoutMs = given(action.timeout) ? timeoutOf(action.timeout) : componentTimeoutMs
        const session = given(action.session_id) ? toText(action.session_id) : DEFAULT_SESSION
        const pool = await connection.pages()
        log.debug(`web-browser: ${method} (session ${JSON.stringify(session)})`)
        const result = await pool.use(session, (page) => {
          const context: ActionContext = { page, method, timeoutMs, maxBytes, input, allowFileUrls, driver }
          return guarded(ACTIONS[method](context, action), method, timeoutMs, signal, () => pool.discard(session))
        })
        return { result }
      },
    }
  },
})

function methodOf(value: unknown): Method {
  const method = given(value) ? toText(value) : ''
  if (method === 'capture-video') throw invalidInput(`method: ${notInMc('web-browser method', method, METHODS)}`)
  if (!(METHODS as readonly string[]).includes(method)) throw invalidInput(`method: expected one of ${METHODS.join(', ')}, got ${JSON.stringify(value)}`)
  return method as Method
}

function timeoutOf(value: unknown): number {
  try {
    return toMilliseconds(typeof value === 'number' ? value : toText(value))
  } catch {
    throw invalidInput(`timeout: expected a duration such as 10s or 500ms, got ${JSON.stringify(value)}`)
  }
}

export default webBrowserPlugin

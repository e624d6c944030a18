// The load-time checks of a web-browser component, each naming its key: the
// keys of one driver given to the other, what mc does not run (engines other
// than Chromium, `capture-video`, the chrome driver's `endpoint`), and an
// action's literal values (templates are checked when they are rendered).

import { ConfigurationError, isTemplate, notInMc } from '../../core/plugin/api.ts'
import { CONDITIONS, EXTRACT_MODES, IMAGE_FORMATS, METHODS, WAIT_UNTIL, type BrowserAction, type BrowserSettings } from './schema.ts'

const DRIVERS = ['chrome', 'playwright']
const CHROME_KEYS = ['debugger', 'host', 'port'] as const
const LAUNCH_KEYS = ['channel', 'headless', 'args', 'persistent_dir', 'executable_path'] as const
const PLAYWRIGHT_KEYS = ['browser', 'cdp_url', ...LAUNCH_KEYS] as const

const has = (value: unknown) => value !== undefined && value !== null && value !== ''

export function checkSettings(settings: BrowserSettings): void {
  const driver = settings.driver ?? 'chrome'
  if (!DRIVERS.includes(driver)) throw new ConfigurationError(notInMc('web-browser driver', driver, DRIVERS), ['driver'])
  for (const key of ['endpoint', 'target_index'] as const) {
    if (settings[key] !== undefined) {
      throw new ConfigurationError(`"${key}" is a model-compose chrome driver key that mc does not have: give the debugger's address instead (debugger.url, e.g. http://localhost:9222)`, [key])
    }
  }
  if (driver === 'chrome') {
    for (const key of PLAYWRIGHT_KEYS) if (settings[key] !== undefined) throw new ConfigurationError('is a key of driver: playwright', [key])
    if (has(settings.debugger?.url) && settings.debugger?.host !== undefined) throw new ConfigurationError("Either 'url' or 'host' should be set, but not both.", ['debugger', 'url'])
    return
  }
  for (const key of CHROME_KEYS) if (settings[key] !== undefined) throw new ConfigurationError('is a key of driver: chrome', [key])
  const browser = settings.browser ?? 'chromium'
  if (browser !== 'chromium') throw new ConfigurationError(notInMc('web-browser engine', browser, ['chromium']), ['browser'])
  if (has(settings.cdp_url)) {
    const conflicts = LAUNCH_KEYS.filter((key) => settings[key] !== undefined)
    if (conflicts.length > 0) throw new ConfigurationError(`When 'cdp_url' is set, these fields must not be specified: ${conflicts.join(', ')}.`, [conflicts[0]!])
  }
  if (has(settings.channel) && settings.executable_path !== undefined) throw new ConfigurationError('give "channel" or "executable_path", not both', ['executable_path'])
}

export function checkAction(action: BrowserAction): void {
  const method = action.method
  if (!has(method)) throw new ConfigurationError(`needs "method": one of ${METHODS.join(', ')}`)
  if (isTemplate(method)) return
  if (method === 'capture-video') throw new ConfigurationError(notInMc('web-browser method', method!, METHODS), ['method'])
  if (!(METHODS as readonly string[]).includes(method!)) throw new ConfigurationError(`unknown method "${method}" (known: ${METHODS.join(', ')})`, ['method'])
  checkChoice(action.wait_until, WAIT_UNTIL, 'wait_until')
  checkChoice(action.condition, CONDITIONS, 'condition')
  checkChoice(action.extract_mode, EXTRACT_MODES, 'extract_mode')
  checkChoice(action.format, IMAGE_FORMATS, 'format')
  const targets = [has(action.selector), has(action.xpath), has(action.x) && has(action.y)].filter(Boolean).length
  if (has(action.selector) && has(action.xpath)) throw new ConfigurationError("Only one of 'selector' or 'xpath' can be provided.", ['xpath'])
  const needs = (key: keyof BrowserAction) => {
    if (!has(action[key])) throw new ConfigurationError(`'${key}' must be specified for '${method}' method`)
  }
  switch (method) {
    case 'navigate':
      return needs('url')
    case 'evaluate':
      return needs('expression')
    case 'set-cookies':
      return needs('cookies')
    case 'input-text':
      needs('text')
      return needsTarget(action)
    case 'wait-for':
      return needsTarget(action)
    case 'extract':
      needsTarget(action)
      if (action.extract_mode === 'attribute' && !has(action.attribute)) throw new ConfigurationError("'attribute' is required when extract_mode is 'attribute'.", ['extract_mode'])
      return
    case 'click':
      if (targets === 0) throw new ConfigurationError("One of 'selector', 'xpath', or coordinates('x' and 'y') must be provided.")
      if (targets > 1) throw new ConfigurationError("Only one of 'selector', 'xpath', or coordinates('x' and 'y') can be provided.", ['x'])
      return
    case 'scroll':
      if (!has(action.selector) && !has(action.xpath) && !has(action.x) && !has(action.y)) {
        throw new ConfigurationError("At least one of 'selector', 'xpath', or coordinates('x' and 'y') must be provided.")
      }
  }
}

function needsTarget(action: BrowserAction): void {
  if (!has(action.selector) && !has(action.xpath)) throw new ConfigurationError("Either 'selector' or 'xpath' must be provided.")
}

function checkChoice(value: unknown, choices: readonly string[], key: string): void {
  if (typeof value === 'string' && !isTemplate(value) && !choices.includes(value)) {
    throw new ConfigurationError(`expected one of ${choices.join(', ')}, got "${value}"`, [key])
  }
}

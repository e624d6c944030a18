// The `web-scraper` component (model-compose 0.4.92): fetches a page and
// gives `${result}`, what `selector` (CSS) or `xpath` picked out of it
// (extract.ts), or the whole page's text or markup without either. A list of
// URLs gives a list of results, `batch_size` pages at a time. How much of a
// page mc reads comes from MC_MAX_RESPONSE_BYTES (as for http-client). Pages
// are fetched, never rendered: `enable_javascript`, `wait_for` and `submit`
// need a browser mc does not run, and are refused by name.

import { bodyLimitsOf, ConfigurationError, defineComponentPlugin, flagOf, invalidInput, isTemplate, type RunResult, toMilliseconds, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import { extract, type Extraction } from './extract.ts'
import { cookieIsSecret, fetchPage, headerIsSecret, textsOf, type PageRequest } from './fetch-page.ts'
import { DEFAULT_TIMEOUT_SECONDS, EXTRACT_MODES, ScraperActionSchema, ScraperSettingsSchema, type ScraperAction, type ScraperSettings } from './schema.ts'

const NO_BROWSER = "needs a browser, which mc does not run (model-compose renders pages with Playwright); mc's web-scraper reads pages as the server sends them"

const webScraperPlugin = defineComponentPlugin<ScraperSettings, ScraperAction>({
  type: 'web-scraper',
  settings: ScraperSettingsSchema,
  action: ScraperActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    if (settings.rate_limit !== undefined) throw new ConfigurationError("model-compose's rate limit of a scraper is not in mc", ['rate_limit'])
  },
  checkAction(action) {
    if (action.url === undefined) throw new Error('needs "url"')
    if (action.enable_javascript === true) throw new ConfigurationError(`true ${NO_BROWSER}`, ['enable_javascript'])
    if (action.submit !== undefined && action.submit !== null) throw new ConfigurationError(`filling and submitting a form ${NO_BROWSER}`, ['submit'])
    // As model-compose: a wait without JavaScript is an error; with a templated enable_javascript, the run decides.
    if (hasValue(action.wait_for) && (action.enable_javascript === undefined || action.enable_javascript === false)) {
      throw new ConfigurationError(`is for enable_javascript: true, which ${NO_BROWSER}`, ['wait_for'])
    }
    if (hasValue(action.selector) && hasValue(action.xpath)) throw new ConfigurationError('give "selector" or "xpath", not both', ['xpath'])
    const mode = action.extract_mode
    if (mode !== undefined && !isTemplate(mode) && !(EXTRACT_MODES as readonly string[]).includes(mode)) {
      throw new ConfigurationError(`expected one of ${EXTRACT_MODES.join(', ')}, got "${mode}"`, ['extract_mode'])
    }
    if (mode === 'attribute' && !hasValue(action.attribute)) throw new ConfigurationError('extract_mode: attribute needs "attribute", the name of the attribute to take', ['extract_mode'])
  },
  create(settings, { env }) {
    const maxBytes = bodyLimitsOf(env).maxResponseBytes
    const componentTimeout = settings.timeout ?? DEFAULT_TIMEOUT_SECONDS
    return {
      async run(action, { signal }): Promise<RunResult> {
        if (flagOf(action.enable_javascript, 'enable_javascript')) throw invalidInput(`enable_javascript: true ${NO_BROWSER}`)
        const request: PageRequest = {
          headers: { ...textsOf(settings.headers, headerIsSecret), ...textsOf(action.headers, headerIsSecret) },
          cookies: { ...textsOf(settings.cookies, cookieIsSecret), ...textsOf(action.cookies, cookieIsSecret) },
          timeoutMs: toMilliseconds(action.timeout ?? componentTimeout),
          maxBytes,
        }
        const how = extractionOf(action)
        const scrape = async (url: unknown) => (url === null || url === undefined ? null : extract(await fetchPage(toText(url), request, signal), how))
        if (!Array.isArray(action.url)) return { result: await scrape(action.url) }
        const batchSize = wholeNumberOf(action.batch_size ?? 1, 'batch_size', 1)
        const results: unknown[] = []
        for (let i = 0; i < action.url.length; i += batchSize) results.push(...(await Promise.all(action.url.slice(i, i + batchSize).map(scrape))))
        return { result: results }
      },
    }
  },
})

function extractionOf(action: ScraperAction): Extraction {
  const mode = action.extract_mode === undefined || action.extract_mode === null ? 'text' : toText(action.extract_mode)
  if (!(EXTRACT_MODES as readonly string[]).includes(mode)) throw invalidInput(`extract_mode: expected one of ${EXTRACT_MODES.join(', ')}, got ${JSON.stringify(mode)}`)
  const attribute = hasValue(action.attribute) ? toText(action.attribute) : null
  if (mode === 'attribute' && attribute === null) throw invalidInput("attribute: must be specified when extract_mode='attribute'")
  const multiple = flagOf(action.multiple, 'multiple')
  if (hasValue(action.selector) && hasValue(action.xpath)) throw invalidInput("give 'selector' or 'xpath', not both")
  if (hasValue(action.selector)) return { kind: 'selector', expressions: expressionsOf(action.selector, 'selector'), mode, attribute, multiple }
  if (hasValue(action.xpath)) return { kind: 'xpath', expressions: expressionsOf(action.xpath, 'xpath'), mode, attribute, multiple }
  return { kind: 'page', mode, multiple }
}

function expressionsOf(value: unknown, key: string): string | string[] | Record<string, string> {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(toText)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([name, expression]) => [name, toText(expression)]))
  throw invalidInput(`${key}: expected an expression, a list of them, or a map of names to them`)
}

/** A value model-compose would take as given (Python's truthiness of a rendered value). */
function hasValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === false) return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

export default webScraperPlugin

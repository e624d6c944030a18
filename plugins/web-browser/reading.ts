// `extract`, `evaluate` and `screenshot`: what a page holds, each capped at
// MC_MAX_RESPONSE_BYTES (text, markup and values are measured in the page,
// before they leave the browser).

import type { Locator } from 'playwright-core'
import { flagOf, invalidInput, toText, upstreamFailed } from '../../core/plugin/api.ts'
import { firstLine } from './browser.ts'
import { isTimeout, sizedInPage, timedOut, tooLarge, unsized, type ActionContext, type Sized } from './action-context.ts'
import { EXTRACT_MODES, IMAGE_FORMATS, type BrowserAction } from './schema.ts'
import { choiceOf, given, wholeOf } from './values.ts'

/**
 * Text (innerText), markup (outerHTML) or an attribute of the first match, or
 * of all matches with `multiple`; null when nothing matches. A list or a map
 * of expressions gives a list or a map of results.
 */
export async function extract(context: ActionContext, action: BrowserAction): Promise<unknown> {
  const mode = choiceOf(action.extract_mode, EXTRACT_MODES, 'extract_mode', 'text')
  const attribute = given(action.attribute) ? toText(action.attribute) : null
  if (mode === 'attribute' && attribute === null) throw invalidInput("'attribute' is required when extract_mode is 'attribute'.")
  const multiple = flagOf(action.multiple, 'multiple', false)
  if (given(action.selector) && given(action.xpath)) throw invalidInput("Only one of 'selector' or 'xpath' can be provided.")
  const [expressions, prefix] = given(action.selector) ? [action.selector, ''] : given(action.xpath) ? [action.xpath, 'xpath='] : [undefined, '']
  if (expressions === undefined || expressions === null) throw invalidInput("Either 'selector' or 'xpath' must be provided.")
  const one = (expression: string) => extractOne(context, context.page.locator(prefix + expression), [mode, attribute, multiple])
  if (typeof expressions === 'string') return one(expressions)
  if (Array.isArray(expressions)) return Promise.all(expressions.map((expression) => one(toText(expression))))
  const entries = await Promise.all(Object.entries(expressions).map(async ([name, expression]) => [name, await one(toText(expression))] as const))
  return Object.fromEntries(entries)
}

type How = [mode: string, attribute: string | null, multiple: boolean]

async function extractOne(context: ActionContext, locator: Locator, how: How): Promise<unknown> {
  let sized: Sized
  try {
    sized = await locator.evaluateAll(takeInPage, [...how, context.maxBytes] as const)
  } catch (error) {
    throw upstreamFailed(`extract: ${firstLine(error)}`)
  }
  return unsized(context, sized)
}

/** What takeInPage reads of a DOM element (mc is typed without the DOM). */
interface PageElement {
  innerText?: string
  textContent: string | null
  outerHTML: string
  getAttribute(name: string): string | null
}

/** Runs in the page (self-contained): what `extract` takes from the matched elements, sized. */
function takeInPage(elements: PageElement[], [mode, attribute, multiple, max]: readonly [string, string | null, boolean, number]): Sized {
  const take = (element: PageElement) =>
    mode === 'text' ? (element.innerText ?? element.textContent ?? '') : mode === 'html' ? element.outerHTML : element.getAttribute(attribute ?? '')
  const value = multiple ? elements.map(take) : elements.length > 0 ? take(elements[0]!) : null
  const json = JSON.stringify(value)
  const bytes = json === undefined ? 0 : new TextEncoder().encode(json).length
  return bytes > max ? { tooLarge: bytes } : { value }
}

/**
 * The value of the expression, as model-compose's playwright driver gives it
 * (a promise awaited; a function called). mc calls a function with the job's
 * input, so a compose file can hand page code its input without writing the
 * input into the code.
 */
export async function evaluate(context: ActionContext, action: BrowserAction): Promise<unknown> {
  if (!given(action.expression)) throw invalidInput("'expression' must be specified for 'evaluate' method")
  let sized: Sized
  try {
    const result = await context.page.evaluateHandle(toText(action.expression))
    const called = await result.evaluateHandle((value, input) => (typeof value === 'function' ? value(input) : value), context.input)
    sized = await called.evaluate(sizedInPage, context.maxBytes)
    await Promise.all([result.dispose(), called.dispose()])
  } catch (error) {
    throw upstreamFailed(`evaluate: the expression failed in the page: ${firstLine(error)}`)
  }
  return unsized(context, sized)
}

/** The page (or the whole scrollable page, or one element) as a PNG or JPEG, base64-encoded. */
export async function screenshot(context: ActionContext, action: BrowserAction): Promise<string> {
  const type = choiceOf(action.format, IMAGE_FORMATS, 'format', 'png')
  const quality = wholeOf(action.quality, 'quality')
  if (quality !== null && (quality < 0 || quality > 100)) throw invalidInput(`quality: expected 0 to 100, got ${quality}`)
  const options = { type, timeout: context.timeoutMs, ...(type === 'jpeg' && quality !== null ? { quality } : {}) }
  const selector = given(action.selector) ? toText(action.selector) : null
  let image: Buffer
  try {
    image = selector
      ? await context.page.locator(selector).first().screenshot(options)
      : await context.page.screenshot({ ...options, fullPage: flagOf(action.full_page, 'full_page', false) })
  } catch (error) {
    if (isTimeout(error)) throw timedOut(context, selector ? `no element matched selector ${JSON.stringify(selector)}` : 'the page could not be captured')
    throw upstreamFailed(`screenshot: ${firstLine(error)}`)
  }
  if (image.byteLength > context.maxBytes) throw tooLarge(context, image.byteLength)
  return image.toString('base64')
}

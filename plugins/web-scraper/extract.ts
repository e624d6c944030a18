// Taking values out of a page as model-compose 0.4.92 does. CSS selectors
// follow BeautifulSoup: text is every text node of the element (not those of
// its scripts, styles and templates) stripped and joined by one space; html is
// the element's markup; attribute is its value, "" when absent, and a list of
// words for HTML's list attributes (class, rel, ...). XPath follows lxml: text
// is the element's whole text stripped; html is its markup followed by its
// tail (the text up to the next tag); an expression ending in text() or @name
// gives strings. No match is null, or [] with `multiple`. A list or a map of
// expressions gives a list or a map of results.

import { parseHTML } from 'linkedom'
import { invalidInput, pythonStrip } from '../../core/plugin/api.ts'

/** The part of the `xpath` package used here. Required, not imported: its typings pull in the DOM's, which clash with Bun's. */
interface XPathPackage {
  parse(expression: string): { evaluate(options: { node: unknown; isHtml: boolean }): unknown }
}
const xpath = require('xpath') as XPathPackage

export type ExtractMode = string

export interface Extraction {
  kind: 'selector' | 'xpath' | 'page'
  expressions?: string | string[] | Record<string, string>
  mode: ExtractMode
  attribute?: string | null
  multiple: boolean
}

// A DOM node as linkedom gives it; only what is read here.
interface DomNode {
  nodeType: number
  nodeName: string
  localName?: string
  nodeValue?: string | null
  childNodes: ArrayLike<DomNode>
  nextSibling?: DomNode | null
  outerHTML?: string
  textContent?: string | null
  getAttribute?(name: string): string | null
  hasAttribute?(name: string): boolean
  querySelector?(selector: string): DomNode | null
  querySelectorAll?(selector: string): ArrayLike<DomNode>
}

const ELEMENT = 1
const ATTRIBUTE = 2
const TEXT = 3
const CDATA = 4

/** Where BeautifulSoup's HTML builder keeps text of another kind, left out of get_text() (unless the element is one of them). */
const OTHER_STRINGS = new Set(['script', 'style', 'template'])

/** Attributes BeautifulSoup's HTML builder splits into lists of words. */
const LIST_ATTRIBUTES: Record<string, string[]> = {
  '*': ['class', 'accesskey', 'dropzone'],
  a: ['rel', 'rev'],
  link: ['rel', 'rev'],
  td: ['headers'],
  th: ['headers'],
  form: ['accept-charset'],
  object: ['archive'],
  area: ['rel'],
  icon: ['sizes'],
  iframe: ['sandbox'],
  output: ['for'],
}

export function extract(html: string, how: Extraction): unknown {
  if (how.kind === 'page') return extractPage(html, how.mode)
  const over = <T>(each: (expression: string) => T) => {
    const { expressions } = how
    if (typeof expressions === 'string') return each(expressions)
    if (Array.isArray(expressions)) return expressions.map(each)
    return Object.fromEntries(Object.entries(expressions ?? {}).map(([key, expression]) => [key, each(expression)]))
  }
  if (how.kind === 'selector') {
    const { document } = parseHTML(html)
    return over((selector) => {
      const take = (element: DomNode) => fromElement(element, how.mode, how.attribute)
      let matched: DomNode[]
      try {
        matched = how.multiple ? Array.from(document.querySelectorAll(selector) as unknown as ArrayLike<DomNode>) : [document.querySelector(selector) as unknown as DomNode].filter(Boolean)
      } catch (error) {
        throw invalidInput(`selector: ${JSON.stringify(selector)} is not a CSS selector mc can read (${(error as Error).message})`)
      }
      if (how.multiple) return matched.map(take)
      return matched[0] ? take(matched[0]) : null
    })
  }
  // linkedom leaves a doctype out of the document's sibling chain, which hides the rest from XPath.
  const { document } = parseHTML(html.replace(/^\uFEFF?\s*<!doctype[^>]*>/i, ''))
  return over((expression) => {
    let result: unknown
    try {
      result = xpath.parse(expression).evaluate({ node: document, isHtml: true })
    } catch (error) {
      throw invalidInput(`xpath: ${JSON.stringify(expression)} is not an XPath 1.0 expression mc can evaluate (${(error as Error).message})`)
    }
    const value = result as XPathValue
    if (typeof value.toArray !== 'function') return scalarOf(value, how.multiple)
    const nodes = value.toArray() // in document order, as lxml gives them
    const take = (node: DomNode) => fromXpathNode(node, how.mode, how.attribute)
    if (nodes.length === 0) return how.multiple ? [] : null
    return how.multiple ? nodes.map(take) : take(nodes[0]!)
  })
}

/** What the xpath package evaluates to, read by property (the executable's minifier renames its classes). */
interface XPathValue {
  toArray?(): DomNode[]
  num?: number
  str?: string
  b?: boolean
}

/** count(), string(), boolean(): the value itself (lxml gives a number, a string or a boolean). */
function scalarOf(value: XPathValue, multiple: boolean): unknown {
  const plain = 'num' in value ? value.num : 'b' in value ? value.b : value.str
  return multiple ? [plain] : plain
}

function extractPage(html: string, mode: ExtractMode): string {
  const { document } = parseHTML(html)
  if (mode === 'text') return joinedText(document as unknown as DomNode, true)
  return String(document)
}

function fromElement(element: DomNode, mode: ExtractMode, attribute: string | null | undefined): unknown {
  if (mode === 'text') return joinedText(element, false)
  if (mode === 'html') return element.outerHTML ?? ''
  if (mode === 'attribute') {
    const name = attribute ?? ''
    const value = element.getAttribute?.(name)
    if (value === null || value === undefined) return ''
    const tag = (element.localName ?? element.nodeName).toLowerCase()
    const lists = [...LIST_ATTRIBUTES['*']!, ...(LIST_ATTRIBUTES[tag] ?? [])]
    return lists.includes(name.toLowerCase()) ? (value.match(/\S+/g) ?? []) : value
  }
  return null
}

/** BeautifulSoup's get_text(separator=" ", strip=True). */
function joinedText(root: DomNode, isPage: boolean): string {
  const rootName = (root.localName ?? root.nodeName).toLowerCase()
  const pieces: string[] = []
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT || child.nodeType === CDATA) {
        const text = pythonStrip(child.nodeValue ?? '')
        if (text) pieces.push(text)
      } else if (child.nodeType === ELEMENT) {
        const name = (child.localName ?? child.nodeName).toLowerCase()
        if (!OTHER_STRINGS.has(name) || (!isPage && child === root)) walk(child)
      }
    }
  }
  if (!isPage && OTHER_STRINGS.has(rootName)) pieces.push(...[pythonStrip(root.textContent ?? '')].filter(Boolean))
  else walk(root)
  return pieces.join(' ')
}

function fromXpathNode(node: DomNode, mode: ExtractMode, attribute: string | null | undefined): string {
  const isElement = node.nodeType === ELEMENT
  const asString = node.nodeType === ATTRIBUTE ? ((node as unknown as { value: string }).value ?? '') : (node.nodeValue ?? '')
  if (mode === 'text') return pythonStrip(isElement ? (node.textContent ?? '') : asString)
  if (mode === 'html') {
    if (!isElement) return asString
    const tail = node.nextSibling && node.nextSibling.nodeType === TEXT ? (node.nextSibling.nodeValue ?? '') : ''
    return (node.outerHTML ?? '') + tail
  }
  if (mode === 'attribute') return isElement ? (node.getAttribute?.(attribute ?? '') ?? '') : ''
  return ''
}

// Pass 1: YAML text → plain values, each object remembering where its keys and
// values stand in the file. Aliases and merge keys (`<<: *defaults`, as YAML
// 1.1 and model-compose read them) are expanded here, by us, so that the
// expansion can be bounded: an alias copies its anchor's whole tree, and seven
// levels of nine aliases each make 5 million nodes from half a kilobyte.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node, type Pair } from 'yaml'
import { ComposeError } from '../model/compose-error.ts'
import { placeOf, setPlaces, type Place } from '../model/places.ts'
import { checkYamlLimits, MAX_NESTING } from './yaml-limits.ts'
import { EnvText } from './env-text.ts'

/** The environment `${env.NAME}` reads while the file is parsed, and where each variable read without a default is told (`missing`: not set). */
export interface ParseEnv {
  env: Record<string, string | undefined>
  onRead: (name: string, place: Place, missing: boolean) => void
}

/** What expanding aliases may produce in one file, all aliases together: nodes, and characters of text. */
const MAX_ALIAS_NODES = 10_000
const MAX_ALIAS_TEXT = 1_000_000
/** Bindings `${...}` in one file, aliases expanded: each is parsed and compiled. */
const MAX_BINDINGS = 10_000

type At = (offset: number | undefined) => Place
type Places = Map<string | number, { key: Place; value: Place }>

export function parseCompose(source: string, file: string, env?: ParseEnv): unknown {
  checkYamlLimits(source, file)
  const envText = env ? new EnvText(source, env.env) : undefined
  const text = envText?.text ?? source
  const lineCounter = new LineCounter()
  // Duplicate keys are found below: the library's own check is quadratic in the keys of a map.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, prettyErrors: false })
  const at: At = (offset) => {
    const { line, col } = lineCounter.linePos(offset ?? 0)
    return { file, line, col }
  }
  const problem = doc.errors[0]
  if (problem) {
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')
    throw new ComposeError(`invalid YAML: ${reason}`, at(problem.pos[0]))
  }
  const resolveEnv = envText && env ? { text: envText, onRead: env.onRead } : undefined
  const value = new ValueBuilder(doc, at, resolveEnv).value(doc.contents as Node | null)
  if (value !== null) return value
  // An empty file (or only comments) is an empty map that still names its file.
  const empty = {}
  setPlaces(empty, { self: { file, line: 1, col: 1 }, keys: new Map() })
  return empty
}

class ValueBuilder {
  /** Each alias's node: the last one anchored with its name before it. */
  private readonly targets = new Map<Alias, Node>()
  /** Anchored nodes being expanded right now: an alias to one of them is a cycle. */
  private readonly expanding = new Set<Node>()
  /** The outermost alias being expanded, and what expansions made so far. */
  private outerAlias: Alias | undefined
  private expandedNodes = 0
  private expandedText = 0
  private bindings = 0
  /** Maps and lists the builder is inside of. */
  private depth = 0
  /** The key (or index) of the value being built, as `${env...}` in a URL key needs it. */
  private key: string | number | undefined

  constructor(
    doc: Document,
    private readonly at: At,
    private readonly env?: { text: EnvText; onRead: ParseEnv['onRead'] },
  ) {
    const anchors = new Map<string, Node>()
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source)
          if (!target) throw new ComposeError(`unknown alias "*${node.source}" (an anchor "&${node.source}" must come before it)`, this.at(node.range?.[0]))
          this.targets.set(node, target)
        } else if (node.anchor) anchors.set(node.anchor, node)
      },
    })
  }

  value(node: Node | null): unknown {
    if (node === null) return null
    if (this.outerAlias) this.expansion(1, 0)
    if (isAlias(node)) return this.alias(node)
    if (isScalar(node)) {
      if (typeof node.value !== 'string') return node.value
      if (this.env?.text.holds(node.value)) {
        const place = this.at(node.range?.[0])
        return this.env.text.resolve(node.value, node.type === 'PLAIN', this.key, (name, missing) => this.env!.onRead(name, place, missing))
      }
      this.text(node.value, node)
      return node.value
    }
    if (!isMap(node) && !isSeq(node)) return null
    // The text was checked for nesting before parsing; an alias can still nest its anchor deeper.
    if (++this.depth > MAX_NESTING) throw new ComposeError(`nested too deeply (over ${MAX_NESTING} levels of maps and lists)`, this.at((this.outerAlias ?? node).range?.[0]))
    try {
      return isMap(node) ? this.map(node.items as Pair<Node | null, Node | null>[], node.range?.[0]) : this.seq(node.items as (Node | null)[], node.range?.[0])
    } finally {
      this.depth--
    }
  }

  private seq(items: (Node | null)[], start: number | undefined): unknown[] {
    const keys: Places = new Map()
    const out = items.map((item, i) => {
      const place = this.at(item?.range?.[0])
      keys.set(i, { key: place, value: place })
      this.key = i
      return this.value(item)
    })
    setPlaces(out, { self: this.at(start), keys })
    return out
  }

  private expansion(nodes: number, text: number): void {
    this.expandedNodes += nodes
    this.expandedText += text
    if (this.expandedNodes > MAX_ALIAS_NODES || this.expandedText > MAX_ALIAS_TEXT) {
      const limit = `${MAX_ALIAS_NODES.toLocaleString('en')} nodes or ${MAX_ALIAS_TEXT.toLocaleString('en')} characters`
      throw new ComposeError(`too many alias expansions (over ${limit}): a YAML alias bomb?`, this.at(this.outerAlias!.range?.[0]))
    }
  }

  private text(text: string, node: Node): void {
    if (this.outerAlias) this.expansion(0, text.length)
    for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 2)) {
      if (++this.bindings > MAX_BINDINGS) {
        throw new ComposeError(`too many bindings "\${...}" (over ${MAX_BINDINGS.toLocaleString('en')}) in one file`, this.at(this.outerAlias?.range?.[0] ?? node.range?.[0]))
      }
    }
  }

  private alias(alias: Alias): unknown {
    const target = this.targets.get(alias)!
    if (this.expanding.has(target)) throw new ComposeError(`alias "*${alias.source}" stands inside its own anchor`, this.at(alias.range?.[0]))
    const outer = this.outerAlias === undefined
    if (outer) this.outerAlias = alias
    this.expanding.add(target)
    try {
      return this.value(target)
    } finally {
      this.expanding.delete(target)
      if (outer) this.outerAlias = undefined
    }
  }

  private map(pairs: Pair<Node | null, Node | null>[], start: number | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const keys: Places = new Map()
    const explicit = new Set<string>()
    for (const pair of pairs) {
      const keyNode = pair.key
      const valueNode = pair.value
      if (isMergeKey(keyNode)) {
        this.merge(valueNode, out, keys, keyNode)
        continue
      }
      const keyPlace = this.at(keyNode?.range?.[0])
      const written = String(isScalar(keyNode) ? keyNode.value : keyNode)
      const key = this.env?.text.holds(written) ? String(this.env.text.resolve(written, false, undefined, (name, missing) => this.env!.onRead(name, keyPlace, missing))) : written
      if (explicit.has(key)) throw new ComposeError(`invalid YAML: duplicate key "${key}"`, keyPlace)
      // It would set the object's prototype instead of a key.
      if (key === '__proto__') throw new ComposeError('the key "__proto__" is not allowed', keyPlace)
      explicit.add(key)
      this.key = key
      out[key] = this.value(valueNode)
      keys.set(key, { key: keyPlace, value: valueNode?.range ? this.at(valueNode.range[0]) : keyPlace })
    }
    setPlaces(out, { self: this.at(start), keys })
    return out
  }

  /**
   * `<<: *a` or `<<: [*a, *b]`: the keys of those maps that the map does not
   * set itself; with several sources, the first one that has a key wins.
   */
  private merge(source: Node | null, out: Record<string, unknown>, keys: Places, mergeKey: Node | null): void {
    const sources = isSeq(source) ? (source.items as (Node | null)[]) : [source]
    for (const item of sources) {
      const resolved = isAlias(item) ? this.targets.get(item) : item
      if (!isMap(resolved)) throw new ComposeError('a merge key "<<" takes a map, or a list of maps', this.at((item ?? mergeKey)?.range?.[0]))
      const merged = this.value(item) as Record<string, unknown>
      for (const [key, value] of Object.entries(merged)) {
        if (Object.hasOwn(out, key)) continue
        out[key] = value
        keys.set(key, { key: placeOf(merged, key, 'key')!, value: placeOf(merged, key)! })
      }
    }
  }
}

/** A plain `<<` key: with `merge: true` the library gives it a symbol for a value. */
function isMergeKey(key: Node | null): boolean {
  return isScalar(key) && typeof key.value === 'symbol'
}

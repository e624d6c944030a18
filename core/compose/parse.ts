// Pass 1: YAML text → plain values, each object remembering where its keys and
// values stand in the file.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { ComposeError } from '../errors.ts'
import { setPlaces, type Place } from './places.ts'

export function parseCompose(text: string, file: string): unknown {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const at = (offset: number | undefined): Place => {
    const { line, col } = lineCounter.linePos(offset ?? 0)
    return { file, line, col }
  }
  const problem = doc.errors[0]
  if (problem) {
    const reason = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')
    throw new ComposeError(`invalid YAML: ${reason}`, at(problem.pos[0]))
  }
  return toValue(doc.contents as Node | null, doc, at)
}

function toValue(node: Node | null, doc: Document, at: (offset: number | undefined) => Place): unknown {
  if (node === null) return null
  if (isAlias(node)) return toValue(node.resolve(doc) ?? null, doc, at)
  if (isScalar(node)) return node.value
  if (isMap(node)) {
    const out: Record<string, unknown> = {}
    const keys = new Map<string | number, { key: Place; value: Place }>()
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null
      const key = String(isScalar(keyNode) ? keyNode.value : keyNode)
      const valueNode = pair.value as Node | null
      out[key] = toValue(valueNode, doc, at)
      const keyPlace = at(keyNode?.range?.[0])
      keys.set(key, { key: keyPlace, value: valueNode?.range ? at(valueNode.range[0]) : keyPlace })
    }
    setPlaces(out, { self: at(node.range?.[0]), keys })
    return out
  }
  if (isSeq(node)) {
    const keys = new Map<string | number, { key: Place; value: Place }>()
    const out = node.items.map((item, i) => {
      const place = at((item as Node | null)?.range?.[0])
      keys.set(i, { key: place, value: place })
      return toValue(item as Node | null, doc, at)
    })
    setPlaces(out, { self: at(node.range?.[0]), keys })
    return out
  }
  return null
}

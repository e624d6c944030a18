// Pass 2: resolves the `${env.*}` bindings the parse left (those in
// model-compose's own form, `${env.NAME | default}`, are resolved as the YAML
// is read: env-text.ts) at load time, with the environment of `-e`,
// `--env-file` and the process. A binding that reads anything besides `env`
// is left for run time.

import { bindingRefs } from '../binding/ast.ts'
import { toText } from '../binding/convert.ts'
import { parseBinding } from '../binding/parse.ts'
import { scanTemplate } from '../binding/scan.ts'
import { compileBinding } from '../binding/template.ts'
import { registerSecret } from '../secrets.ts'
import { copyPlaces, placeOf, type Place } from '../model/places.ts'
import { URL_KEYS } from './env-text.ts'

export interface MissingEnv {
  name: string
  place?: Place
}


export function interpolateEnv(value: unknown, env: Record<string, string | undefined>, missing: MissingEnv[] = []): unknown {
  const walk = (node: unknown, parent: unknown, key: string | number): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node
      const spliced = typeof key === 'string' && URL_KEYS.has(key) ? registerSplicedCredential : undefined
      return interpolateString(node, env, (name) => missing.push({ name, place: placeOf(parent, key) }), spliced)
    }
    if (Array.isArray(node)) {
      const out = node.map((item, i) => walk(item, node, i))
      copyPlaces(node, out)
      return out
    }
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, node, k)
      copyPlaces(node, out)
      return out
    }
    return node
  }
  return walk(value, undefined, '')
}

/** A value spliced into a URL's path or query that is not itself a URL (a base URL is not a secret). */
function registerSplicedCredential(value: unknown): void {
  if (typeof value === 'string' && value.length >= 8 && !value.includes('://')) registerSecret(value)
}

function interpolateString(source: string, env: Record<string, string | undefined>, onMissing: (name: string) => void, onSpliced?: (value: unknown) => void): unknown {
  let segments
  try {
    segments = scanTemplate(source)
  } catch {
    return source // syntax errors are reported, with their place, when templates compile
  }
  const scope = { env }
  const resolved = segments.map((segment) => {
    if (segment.kind === 'text') return { text: segment.text }
    try {
      const binding = parseBinding(segment.body)
      const refs = bindingRefs(binding)
      if (refs.length === 0 || !refs.every((r) => r.key === 'env' && !r.chunk)) return { text: `\${${segment.body}}` }
      const value = compileBinding(binding).evaluate(scope)
      if (value === null) for (const ref of refs) if (env[String(ref.path[0])] === undefined) onMissing(String(ref.path[0]))
      return { value }
    } catch {
      return { text: `\${${segment.body}}` }
    }
  })
  const only = resolved[0]
  if (resolved.length === 1 && only && 'value' in only) return only.value
  if (onSpliced) for (const part of resolved) if ('value' in part) onSpliced(part.value)
  return resolved.map((part) => ('value' in part ? toText(part.value) : part.text)).join('')
}

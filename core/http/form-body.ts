// A form body (multipart/form-data or application/x-www-form-urlencoded) as
// model-compose reads one: keys name nested places — `input[prompt]=Hi` is
// {input: {prompt: "Hi"}} and `input[tags][]=a` appends to a list. Text fields
// are strings, uploaded files their bytes.

import { badRequest } from '../errors.ts'
import type { JsonLimits } from './json-body.ts'

export async function parseFormBody(bytes: Uint8Array, contentType: string, limits: JsonLimits): Promise<Record<string, unknown>> {
  let form: Awaited<ReturnType<Response['formData']>>
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData()
  } catch (error) {
    throw badRequest(`request body is not a valid form: ${(error as Error).message}`)
  }
  const out: Record<string, unknown> = {}
  let count = 0
  for (const [key, value] of form.entries()) {
    if (++count > limits.maxValues) throw badRequest(`request form has more than ${limits.maxValues} fields (the limit)`)
    const path = keyPath(key)
    if (path.length > limits.maxDepth) throw badRequest(`${key}: nests deeper than ${limits.maxDepth} levels (the limit)`)
    place(out, path, typeof value === 'string' ? value : new Uint8Array(await (value as Blob).arrayBuffer()), key)
  }
  return out
}

/** `input[tags][]` → ["input", "tags", "[]"]. */
function keyPath(key: string): string[] {
  const parts = [...key.matchAll(/[^[\]]+|\[\]/g)].map((m) => m[0])
  return parts.length > 0 ? parts : [key]
}

function place(target: Record<string, unknown>, path: string[], value: unknown, key: string): void {
  let node = target
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!
    // Keys that would reach Object.prototype through plain objects.
    if (step === '__proto__' || step === 'constructor' || step === 'prototype') throw badRequest(`${key}: "${step}" is not allowed as a field name`)
    const last = i === path.length - 1
    if (path[i + 1] === '[]' && i + 2 === path.length) {
      const list = (node[step] ??= [])
      if (!Array.isArray(list)) throw badRequest(`${key}: "${step}" is both a value and a list`)
      list.push(value)
      return
    }
    if (last) {
      node[step] = value
      return
    }
    const next = (node[step] ??= {})
    if (next === null || typeof next !== 'object' || Array.isArray(next)) throw badRequest(`${key}: "${step}" is both a value and a group`)
    node = next as Record<string, unknown>
  }
}

// Finds the `${env.NAME}` bindings written in a component's lines of its
// compose file. They are resolved while the file is parsed, so the names are
// read back from the file's text, over the lines the component's keys span.
// Only a run-time hint is made of them (a 401 naming an unset credential).

import { existsSync, readFileSync } from 'node:fs'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { placeOf, placeOfObject } from '../../model/places.ts'

/** `${env.NAME}` with no default: a variable with one (`${env.MODEL | gpt-4o}`) is never what is missing. */
const ENV_NAME = /\$\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}/g

/** Reads each file once per load. */
export type FileTexts = Map<string, string | undefined>

/** The names of the variables the component's lines read, in order, each once. */
export function componentEnvReads(raw: object, baseDir: string, texts: FileTexts): string[] {
  const span = lineSpan(raw)
  if (!span) return []
  const text = fileText(span.file, baseDir, texts)
  if (text === undefined) return []
  const lines = text.split('\n').slice(span.first - 1, span.last).join('\n')
  return [...new Set([...lines.matchAll(ENV_NAME)].map((match) => match[1]!))]
}

/** The first and last lines the keys of `raw` (nested ones too) stand on. */
function lineSpan(raw: object): { file: string; first: number; last: number } | undefined {
  const self = placeOfObject(raw)
  if (!self) return undefined
  let [first, last] = [self.line, self.line]
  const pending: object[] = [raw]
  const seen = new Set<object>()
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (seen.has(node)) continue
    seen.add(node)
    for (const [key, value] of Object.entries(node)) {
      const place = placeOf(node, Array.isArray(node) ? Number(key) : key)
      if (place?.file === self.file) [first, last] = [Math.min(first, place.line), Math.max(last, place.line)]
      if (typeof value === 'object' && value !== null) pending.push(value)
    }
  }
  return { file: self.file, first, last }
}

/** The file a place names: as given (absolute, or from the working folder), or beside the first compose file. */
function fileText(name: string, baseDir: string, texts: FileTexts): string | undefined {
  if (texts.has(name)) return texts.get(name)
  const candidates = isAbsolute(name) ? [name] : [join(baseDir, basename(name)), resolve(name)]
  const path = candidates.find((candidate) => existsSync(candidate))
  let text: string | undefined
  try {
    text = path ? readFileSync(path, 'utf8') : undefined
  } catch {
    text = undefined
  }
  texts.set(name, text)
  return text
}

// The house's layering (core/README.md, "Where things are"): the folders of core/,
// plugins/ and cli/ import each other without a cycle; the ground files of
// core/ import only each other; core/ never imports plugins/ or cli/; and no
// file is too long to find one's way in. `bun test/support/import-graph.ts`
// prints the whole graph.
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { cycles, ROOT, roomEdges } from '../support/import-graph.ts'

const edges = roomEdges()
const GROUND = ['core/errors', 'core/log', 'core/secrets', 'core/settings', 'core/byte-budget', 'core/python-text', 'core/sleep']

test('no two folders of core/, plugins/ and cli/ reach each other', () => {
  expect(cycles(edges)).toEqual([])
})

test("the ground files import nothing but each other", () => {
  const up = edges.filter((e) => GROUND.includes(e.from) && !GROUND.includes(e.to)).map((e) => `${e.from} → ${e.to} (${e.at})`)
  expect(up).toEqual([])
})

test('core/ imports neither plugins/ nor cli/', () => {
  const out = edges.filter((e) => e.from.startsWith('core') && !e.to.startsWith('core')).map((e) => `${e.from} → ${e.to} (${e.at})`)
  expect(out).toEqual([])
})

/** Every file under `dir` (relative to the root) whose name passes `keep`. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return ['node_modules', 'fixtures', 'dist'].includes(name) ? [] : filesUnder(path, keep)
    return keep(name) ? [path] : []
  })
}

const linesOf = (file: string) => readFileSync(join(ROOT, file), 'utf8').split('\n').length

test('no source file over 300 lines, no test file over 400', () => {
  const sources = ['core', 'plugins', 'cli'].flatMap((dir) => filesUnder(dir, (name) => name.endsWith('.ts')))
  const tests = filesUnder('test', (name) => name.endsWith('.test.ts'))
  const long = [...sources.filter((f) => linesOf(f) > 300), ...tests.filter((f) => linesOf(f) > 400)].map((f) => `${f}: ${linesOf(f)} lines`)
  expect(long).toEqual([])
})

// The import graph of mc's source between rooms: a room is a folder, except
// that each file directly in core/ is a room of its own (core/errors.ts,
// core/runtime/runtime.ts, ...), since those are the ground and the wiring. Read from
// the files as text: static `import … from`, `export … from` and `import()`
// with a relative specifier. Rooms that reach each other (a cycle) are what
// the layering forbids.
//   bun test/support/import-graph.ts     prints the rooms, their edges and any cycle

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '../..')
const TOP = ['core', 'plugins', 'cli']
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm

/** Every .ts file under the top folders, relative to the root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

/** A file's room: its folder, or the file itself when it sits directly in core/. */
export function roomOf(file: string): string {
  const folder = dirname(file)
  return folder === 'core' ? file.replace(/\.ts$/, '') : folder
}

export interface ImportEdge {
  from: string
  to: string
  /** One import that makes the edge: file:line. */
  at: string
}

/** The edges between different rooms, one per pair (the first import found). */
export function roomEdges(): ImportEdge[] {
  const edges = new Map<string, ImportEdge>()
  for (const file of TOP.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const match of text.matchAll(SPECIFIER)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), match[1]!))
      if (!TOP.some((top) => target.startsWith(`${top}/`))) continue
      const [from, to] = [roomOf(file), roomOf(target)]
      if (from === to || edges.has(`${from} ${to}`)) continue
      const line = text.slice(0, match.index).split('\n').length
      edges.set(`${from} ${to}`, { from, to, at: `${file}:${line}` })
    }
  }
  return [...edges.values()]
}

/** The groups of rooms that reach each other (strongly connected, more than one room), by Tarjan's algorithm. */
export function cycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>()
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to])
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (room: string) => {
    index.set(room, index.size)
    low.set(room, index.get(room)!)
    stack.push(room)
    onStack.add(room)
    for (const to of next.get(room) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(room, Math.min(low.get(room)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(room, Math.min(low.get(room)!, index.get(to)!))
    }
    if (low.get(room) !== index.get(room)) return
    const group: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      group.push(member)
    } while (member !== room)
    if (group.length > 1) groups.push(group.sort())
  }
  for (const room of new Set(edges.flatMap((e) => [e.from, e.to]))) if (!index.has(room)) visit(room)
  return groups
}

if (import.meta.main) {
  const edges = roomEdges()
  const groups = cycles(edges)
  for (const edge of edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))) console.log(`${edge.from} → ${edge.to}  (${edge.at})`)
  console.log(groups.length ? `\ncycles:\n${groups.map((g) => `  ${g.join(', ')}`).join('\n')}` : '\nno cycle')
}

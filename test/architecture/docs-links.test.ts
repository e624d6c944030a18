// The documentation's own promises: every relative link in the README and the
// reference pages it links (cli/, core/, plugins/, examples/, test/) reaches an
// existing file, and a `#anchor` a heading of that page, slugged as GitHub
// slugs headings; the README's first screen holds the two commands a newcomer
// copies and the way to the differences from model-compose.

import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '../..')
const PAGES = ['README.md', 'cli/README.md', 'core/README.md', 'plugins/README.md', 'examples/README.md', 'test/README.md']
const FIRST_SCREEN_LINES = 60
const COMMANDS = ['npm install && npm run quickstart', 'npm install && npm test']
const DIFFERENCES = 'Where mc and model-compose differ'

/** A page's lines outside fenced code blocks, with their line numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  let fenced = false
  return text.split('\n').flatMap((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced
      return []
    }
    return fenced ? [] : [{ line: i + 1, text: line }]
  })
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors a page's headings make; a repeated heading gets -1, -2, … as on GitHub. */
function anchorsOf(path: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text } of proseLines(readFileSync(path, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1]
    if (heading === undefined) continue
    const base = slug(heading)
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Every `](target)` of a page's prose, inline code left out. */
function linksOf(path: string): { line: number; target: string }[] {
  return proseLines(readFileSync(path, 'utf8')).flatMap(({ line, text }) =>
    [...text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map((match) => ({ line, target: match[1]! })),
  )
}

/** Why a relative link leads nowhere, or undefined when it resolves. */
function brokenBecause(page: string, target: string): string | undefined {
  if (/^[a-z]+:/i.test(target)) return undefined
  const [file, anchor] = target.split('#') as [string, string | undefined]
  const path = file === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(file))
  if (!path.startsWith(ROOT + '/')) return `leaves the repository (${target})`
  if (!existsSync(path)) return `no file ${relative(ROOT, path)}`
  if (anchor === undefined) return undefined
  if (!statSync(path).isFile() || !path.endsWith('.md')) return `an anchor on ${relative(ROOT, path)}, which is not a page`
  return anchorsOf(path).has(anchor) ? undefined : `no heading makes #${anchor} in ${relative(ROOT, path)}`
}

describe('documentation links', () => {
  test('the slug of a heading is GitHub’s', () => {
    expect(slug('The background mc (`mc up -d`)')).toBe('the-background-mc-mc-up--d')
    expect(slug("Many instances (model-compose's queue)")).toBe('many-instances-model-composes-queue')
    expect(slug('OpenAI-compatible API (`/v1`)')).toBe('openai-compatible-api-v1')
  })

  test.each(PAGES)('every relative link of %s resolves', (page) => {
    const broken = linksOf(join(ROOT, page)).flatMap(({ line, target }) => {
      const why = brokenBecause(page, target)
      return why === undefined ? [] : [`${page}:${line}: ${target}: ${why}`]
    })
    expect(broken).toEqual([])
  })

  test('a link to a page that does not exist is caught', () => {
    expect(brokenBecause('README.md', 'cli/NOPE.md')).toBe('no file cli/NOPE.md')
    expect(brokenBecause('README.md', '#no-such-heading')).toBe('no heading makes #no-such-heading in README.md')
    expect(brokenBecause('README.md', 'cli/README.md#installing-it')).toBeUndefined()
  })
})

describe("the README's first screen", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const firstScreen = readme.split('\n').slice(0, FIRST_SCREEN_LINES).join('\n')

  test('holds the two commands a newcomer copies, as package.json runs them', () => {
    for (const command of COMMANDS) expect(firstScreen).toContain(command)
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['quickstart', 'test']))
  })

  test(`links "${DIFFERENCES}", a section of the README under exactly that title`, () => {
    expect(firstScreen).toContain(`](#${slug(DIFFERENCES)})`)
    expect(readme).toMatch(new RegExp(`^## ${DIFFERENCES}$`, 'm'))
  })
})

describe('the documentation speaks to users', () => {
  // Words of how mc was built, not of how it is used: an issue number, a section
  // sign of a design document, "the seed" (the folder test/fixtures/seed/ is a path).
  const INTERNAL = /\bissue #?\d+|§\s*\d|\bthe seed\b|\bSeed\b(?!\/)/i
  test.each([...PAGES, ...readdirSync(join(ROOT, 'examples')).map((name) => `examples/${name}/compose.yml`).filter((file) => existsSync(join(ROOT, file)))])('%s has no internal vocabulary', (page) => {
    const hits = readFileSync(join(ROOT, page), 'utf8')
      .split('\n')
      .flatMap((text, i) => (INTERNAL.test(text.replace(/fixtures\/seed\//g, '')) ? [`${page}:${i + 1}: ${text.trim()}`] : []))
    expect(hits).toEqual([])
  })
})

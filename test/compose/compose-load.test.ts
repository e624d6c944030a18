// Loading compose files: each pass alone, and the whole pipeline's errors as a user sees them.
import { describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { mergeCompose } from '../../core/compose/merge.ts'
import { interpolateEnv } from '../../core/compose/interpolate.ts'
import { normalizeCompose } from '../../core/compose/normalize.ts'
import { parseCompose } from '../../core/compose/parse.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir, runMc } from '../support/mc.ts'

const registry = () => {
  const r = new PluginRegistry()
  registerBuiltins(r)
  return r
}

async function load(files: Record<string, string>, env: Record<string, string> = {}, names = Object.keys(files)) {
  const dir = composeDir(files)
  return loadCompose({ files: names, env, registry: registry(), cwd: dir })
}

async function loadError(text: string): Promise<string> {
  try {
    await load({ 'compose.yml': text })
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a load error')
}

const COMPONENT = `
component:
  type: http-client
  endpoint: http://127.0.0.1:1/x
`

describe('passes', () => {
  test('normalise: singular sections, inline job, map of components', () => {
    const doc = normalizeCompose(parseCompose('workflow:\n  title: T\n  component: c\n  input: ${input}\ncomponents:\n  c:\n    type: shell\n', 'f.yml'))
    expect(doc).toEqual({
      workflows: [{ id: '__default__', title: 'T', jobs: [{ id: '__job__', component: 'c', input: '${input}' }] }],
      components: [{ id: 'c', type: 'shell' }],
    })
  })

  test('parse: aliases and merge keys as YAML 1.1 reads them (the map\'s own keys win, then the first source)', () => {
    const doc = parseCompose('a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc: {y: 3, <<: [*a, *b]}\nd: *a\ne: {"<<": 1}\n', 'f.yml')
    expect(doc).toEqual({ a: { x: 1, y: 1 }, b: { x: 2, z: 2 }, c: { y: 3, x: 1, z: 2 }, d: { x: 1, y: 1 }, e: { '<<': 1 } })
    expect(() => parseCompose('a: 1\nb: 2\na: 3\n', 'f.yml')).toThrow('f.yml:3:1: invalid YAML: duplicate key "a"')
    expect(() => parseCompose('a: 1\nb: {<<: 1}\n', 'f.yml')).toThrow('f.yml:2:9: a merge key "<<" takes a map, or a list of maps')
  })

  test('interpolate: env bindings resolved at load, others left for run time', () => {
    const out = interpolateEnv(
      { a: '${env.PORT as integer | 8080}', b: 'Bearer ${env.KEY}', c: '${input.x | ${env.KEY}}', d: '${env.NONE | fallback}' },
      { PORT: '9000', KEY: 'k' },
    )
    expect(out).toEqual({ a: 9000, b: 'Bearer k', c: '${input.x | ${env.KEY}}', d: 'fallback' })
  })

  test('merge: maps deep, scalars later-wins, id lists by id, other lists replaced', () => {
    const merged = mergeCompose(
      { controller: { port: 1, host: 'a' }, components: [{ id: 'x', type: 'shell', args: [1, 2] }, { id: 'y', type: 'shell' }] },
      { controller: { port: 2 }, components: [{ id: 'x', args: [3] }, { id: 'z', type: 'shell' }] },
    )
    expect(merged).toEqual({
      controller: { port: 2, host: 'a' },
      components: [{ id: 'x', type: 'shell', args: [3] }, { id: 'y', type: 'shell' }, { id: 'z', type: 'shell' }],
    })
  })
})

describe('errors name file:line:col and the key', () => {
  test('unknown top-level key', async () => {
    expect(await loadError('controler:\n  port: 8080\n')).toBe('compose.yml:1:1: controler: unknown key "controler"')
  })
  test('unknown component type lists the known ones', async () => {
    expect(await loadError('component:\n  type: nope\n')).toBe('compose.yml:2:9: component.type: unknown component type "nope" (known: agent, data-queue, datasets, file-store, http-client, http-server, key-value-store, mcp-client, mcp-server, model, model-tokenizer, search-engine, sentence-splitter, shell, text-splitter, vector-store, web-browser, web-scraper, workflow)')
  })
  test('unknown key in a component', async () => {
    expect(await loadError(`${COMPONENT}  strem_format: json\n`)).toBe('compose.yml:5:3: component.strem_format: unknown key "strem_format" for a http-client component')
  })
  test('bad duration', async () => {
    expect(await loadError(`${COMPONENT}  timeout: 5 minutes\n`)).toMatch(/^compose\.yml:5:12: component\.timeout: expected a duration/)
  })
  test('unknown job in depends_on', async () => {
    const text = `${COMPONENT}workflow:\n  jobs:\n    - id: a\n    - id: b\n      depends_on: [a, c]\n`
    expect(await loadError(text)).toBe('compose.yml:9:23: workflow.jobs[1].depends_on[1]: unknown job "c" (jobs: a, b)')
  })
  test('dependency cycle', async () => {
    const text = `${COMPONENT}workflow:\n  jobs:\n    - id: a\n      depends_on: [b]\n    - id: b\n      depends_on: [a]\n`
    expect(await loadError(text)).toMatch(/^compose\.yml:\d+:\d+: workflow\.jobs\[\d\]\.depends_on: dependency cycle: (a → b → a|b → a → b)$/)
  })
  test('bad binding syntax', async () => {
    expect(await loadError(`${COMPONENT}  body: { q: "\${input.x as}" }\n`)).toMatch(/^compose\.yml:5:14: component\.body\.q: bad binding "\$\{input\.x as\}": expected a type after "as"$/)
  })
  test('invalid YAML', async () => {
    expect(await loadError('workflow:\n  title: [a\n')).toMatch(/^compose\.yml:\d+:\d+: invalid YAML: /)
  })
  test('unknown component in a job', async () => {
    expect(await loadError(`${COMPONENT}workflow:\n  component: other\n`)).toBe('compose.yml:6:14: workflow.component: unknown component "other" (known: __default__)')
  })
  test('a job reading the output of a job that does not exist', async () => {
    expect(await loadError(`${COMPONENT}workflow:\n  input: \${jobs.ghost.output}\n`)).toMatch(/no job "ghost"/)
  })
})

describe('pipeline', () => {
  test('several -f files merge; later values win', async () => {
    const { model } = await load(
      { 'a.yml': `controller:\n  port: 8000\n${COMPONENT}`, 'b.yml': 'controller:\n  port: 9000\n' },
      {},
      ['a.yml', 'b.yml'],
    )
    expect(model.controller.port).toBe(9000)
    expect(model.components.get('__default__')?.type).toBe('http-client')
  })
  test('input schema derived from bindings, through pass-through jobs', async () => {
    const { model } = await load({
      'compose.yml': `${COMPONENT}  body:\n    p: \${input.prompt as text @(description The prompt) @(required true)}\n    t: \${input.temperature as slider/0,2,0.1 | 0.7}\n    s: \${input.stream | false}\n    c: \${input.color as select/red,green}\n`,
    })
    const schema = model.workflows.get('__default__')!.inputSchema
    expect(schema).toEqual([
      { name: 'prompt', type: 'text', description: 'The prompt', required: true },
      { name: 'temperature', type: 'slider', subtype: '0,2,0.1', default: 0.7, required: false },
      { name: 'stream', type: 'boolean', default: false, required: false },
      { name: 'color', type: 'select', subtype: 'red,green', required: false },
    ])
  })
  test('the env warning names the variable and place, never a value', async () => {
    const { warnings } = await load({ 'compose.yml': `${COMPONENT}  headers:\n    Authorization: Bearer \${env.MISSING_KEY}\n` })
    expect(warnings).toEqual(['compose.yml:6:20: environment variable MISSING_KEY is not set'])
  })
})

describe('mc validate', () => {
  test('prints ok for a good file and exits 0', async () => {
    const dir = composeDir({ 'compose.yml': COMPONENT })
    const result = await runMc(['validate'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('ok')
  })
  test('prints one line with file:line:col and exits non-zero', async () => {
    const dir = composeDir({ 'compose.yml': 'controller:\n  port: http\n' })
    const result = await runMc(['validate'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual(['mc | error: compose.yml:2:9: controller.port: expected a port number (1-65535), got "http"'])
  })
  test('a missing file is one clear line', async () => {
    const result = await runMc(['validate', '-f', 'nope.yml'], { cwd: composeDir({}) })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^mc \| error: cannot read compose file .*nope\.yml\n$/)
  })
  test('an unknown flag is one clear line', async () => {
    const result = await runMc(['validate', '--bogus'])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})

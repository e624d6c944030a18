// Issue 20, the loader's part: files as model-compose 0.4.92 loads them — `-f`
// overlays merged before they are normalised, default names, files 0.4.92
// accepts, what it refuses at load, `${env.*}` as values of the YAML — each
// row what 0.4.92 (its tests/ and src/mindor) answers for the same file.
import { describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { createLogger } from '../../core/log.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir } from '../support/mc.ts'

const H = 'controller: {adapter: {type: http-server, port: 8080}}\n'
const D = 'jobs: [{id: host, type: delay, duration: 0}]'

function registry(): PluginRegistry {
  const r = new PluginRegistry()
  registerBuiltins(r)
  return r
}

/** Loads the files (merged in the order given), with `env`. */
async function load(files: Record<string, string>, env: Record<string, string> = {}) {
  return (await loadCompose({ files: Object.keys(files), env, registry: registry(), cwd: composeDir(files) })).model
}

async function run(files: Record<string, string> | string, input: unknown = {}, env: Record<string, string> = {}, workflowId?: string): Promise<unknown> {
  const model = await load(typeof files === 'string' ? { 'compose.yml': files } : files, env)
  const runtime = new Runtime(model, createLogger('test', () => {}))
  try {
    return await runtime.run(runtime.workflow(workflowId), input, new AbortController().signal)
  } finally {
    await runtime.stop()
  }
}

async function loadError(files: Record<string, string> | string, env: Record<string, string> = {}): Promise<string> {
  try {
    await load(typeof files === 'string' ? { 'compose.yml': files } : files, env)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected a load error')
}

const echo = (id: string, word: string, extra = '') => `  - id: ${id}\n    type: shell\n    command: [echo, ${word}]\n    output: \${result.stdout}\n${extra}`

describe('8: -f overlays are merged as written, then normalised', () => {
  const base = `${H}workflow:\n  id: wf\n  ${D}\n  output: {a: 1, b: 2}\n`

  test.each([
    ['an overlay of the lone workflow changes it', 'workflow:\n  output: {b: 20}\n', { a: 1, b: 20 }],
    ['an overlay of its jobs replaces them (lists of items without ids are replaced)', 'workflow:\n  jobs: [{id: other, type: delay, duration: 0, output: 5}]\n  output: ${jobs.other.output}\n', 5],
  ])('%s', async (_name, overlay, expected) => {
    expect(await run({ 'base.yml': base, 'overlay.yml': overlay })).toEqual(expected)
  })

  test('the overlay leaves one workflow, with its id', async () => {
    const model = await load({ 'base.yml': base, 'overlay.yml': 'workflow:\n  title: T\n' })
    expect([...model.workflows.keys()]).toEqual(['wf'])
  })

  test('a single component in the base, its action changed by the overlay', async () => {
    const files = {
      'base.yml': `${H}component:\n  type: shell\n  command: [echo, base]\n  output: \${result.stdout}\n`,
      'overlay.yml': 'component:\n  command: [echo, overlay]\n',
    }
    expect(await run(files)).toBe('overlay')
  })

  test.each([
    ['a key the overlay adds', { 'base.yml': base, 'overlay.yml': 'workflow:\n  outptu: {b: 20}\n' }, 'overlay.yml:2:3: workflow.outptu: unknown key "outptu"'],
    ['a key of the base', { 'base.yml': `${base}  outptu: 1\n`, 'overlay.yml': 'workflow:\n  output: {b: 20}\n' }, 'base.yml:6:3: workflow.outptu: unknown key "outptu"'],
    ['an overlay that is not a map', { 'base.yml': base, 'overlay.yml': '- 1\n' }, 'overlay.yml:1:3: a compose file must be a map of keys (controller, components, workflows, ...)'],
  ])('errors keep the file:line:col of the file they stand in: %s', async (_name, files, message) => {
    expect(await loadError(files)).toBe(message)
  })
})

describe('9: default names resolve as in 0.4.92', () => {
  test('component: __default__ written out is the component marked default: true', async () => {
    const text = `${H}components:\n${echo('c1', 'one')}${echo('c2', 'two', '    default: true\n')}workflow:\n  jobs: [{id: j, component: __default__}]\n`
    expect(await run(text)).toBe('two')
  })

  test('component: __default__ with one component is that one', async () => {
    expect(await run(`${H}components:\n${echo('only', 'one')}workflow:\n  jobs: [{id: j, component: __default__}]\n`)).toBe('one')
  })

  const actions = '  actions:\n    - id: x\n      command: [echo, x]\n      output: ${result.stdout}\n    - id: y\n      default: true\n      command: [echo, y]\n      output: ${result.stdout}\n'
  test.each([
    ['action: __default__ written out', 'component: c, action: __default__'],
    ['no action named', 'component: c'],
  ])('%s runs the action marked default: true', async (_name, job) => {
    expect(await run(`${H}component:\n  id: c\n  type: shell\n${actions}workflow:\n  jobs: [{id: j, ${job}}]\n`)).toBe('y')
  })

  test('two actions marked default: true are refused where the second says so', async () => {
    const text = `${H}component:\n  id: c\n  type: shell\n${actions.replace('    - id: x\n', '    - id: x\n      default: true\n')}`
    expect(await loadError(text)).toBe('compose.yml:11:7: component.actions[1].default: several actions say "default: true"')
  })

  test('several actions and none marked: the job must say which', async () => {
    const text = `${H}component:\n  id: c\n  type: shell\n${actions.replace('      default: true\n', '')}workflow:\n  jobs: [{id: j, component: c}]\n`
    expect(await loadError(text)).toMatch(/has several actions and none says "default: true"/)
  })

  test('a workflows: item without an id is the default workflow, found as __workflow__ (0.4.92) and __default__ (mc)', async () => {
    const text = `${H}component:\n  type: shell\n  command: [echo, d]\n  output: \${result.stdout}\nworkflows:\n  - jobs: [{id: j}]\n`
    expect(await run(text)).toBe('d')
    expect(await run(text, {}, {}, '__workflow__')).toBe('d')
    expect(await run(text, {}, {}, '__default__')).toBe('d')
  })
})

describe('11: files 0.4.92 accepts', () => {
  test('a file with only a controller loads, with no workflow', async () => {
    const model = await load({ 'compose.yml': H })
    expect(model.workflows.size).toBe(0)
    expect(model.controller.port).toBe(8080)
  })

  test('jobs: [] loads; a run gives the workflow output', async () => {
    expect(await run(`${H}workflow:\n  jobs: []\n  output: {x: 1}\n`)).toEqual({ x: 1 })
  })

  test.each(['IGNORE', 'Ignore', 'ignore'])('on_error: %s ignores the failure', async (word) => {
    const text = `${H}component:\n  id: c\n  type: shell\n  command: [sh, -c, "exit 3"]\nworkflow:\n  jobs:\n    - {id: j, component: c, on_error: ${word}}\n  output: {done: true}\n`
    expect(await run(text)).toEqual({ done: true })
  })

  test("'*': {where: …} without input is an empty list", async () => {
    const text = `${H}workflow:\n  ${D}\n  output:\n    '*': {where: {input: '\${item}', value: 1}}\n    v: \${item}\n`
    expect(await run(text)).toEqual([])
  })

  test.each([
    ['"0.5"', 500],
    ['"00:00:00.500"', 500],
    ['"00:01"', 1000],
  ])('duration %s waits that long', async (duration, ms) => {
    const start = performance.now()
    expect(await run(`${H}workflow:\n  jobs: [{id: host, type: delay, duration: ${duration}, output: done}]\n`)).toBe('done')
    expect(performance.now() - start).toBeGreaterThanOrEqual(ms - 20)
  })
})

describe('10: what 0.4.92 refuses at load, refused at load with file:line:col', () => {
  const two = 'workflows:\n  - id: main\n    jobs: [{id: j, component: w}]\n  - id: other\n    jobs: [{id: host, type: delay, duration: 0}]\n'
  test.each([
    ['a workflow component naming a workflow that does not exist', `${H}component:\n  id: w\n  type: workflow\n  workflow: ghost\n${two}`, 'compose.yml:5:13: components[0].workflow: unknown workflow "ghost" (workflows: main, other)'],
    ['an action naming one', `${H}component:\n  id: w\n  type: workflow\n  actions:\n    - id: x\n      workflow: other\n    - id: y\n      workflow: nope\n${two.replace('component: w}', 'component: w, action: x}')}`, 'compose.yml:9:17: components[0].actions[1].workflow: unknown workflow "nope" (workflows: main, other)'],
    ['the default workflow, with two candidates and none marked', `${H}component:\n  id: w\n  type: workflow\n  workflow: __default__\n${two}`, 'compose.yml:5:13: components[0].workflow: runs the default workflow, but there are several and none says "default: true" (workflows: main, other)'],
    ['two workflows marked default: true', `${H}workflows:\n  - {id: a, default: true, ${D}}\n  - {id: b, default: true, ${D}}\n`, 'compose.yml:4:13: workflows[1].default: several workflows say "default: true": a, b'],
    ['a workflow whose id is __default__', `${H}workflows:\n  - id: __default__\n    ${D}\n`, 'compose.yml:3:9: workflows[0].id: "__default__" names the default workflow: it cannot be a workflow\'s id'],
    ['a lone workflow whose id is __default__', `${H}workflow:\n  id: __default__\n  ${D}\n`, 'compose.yml:3:7: workflow.id: "__default__" names the default workflow: it cannot be a workflow\'s id'],
    ['__default__ as the key of a map of workflows', `${H}workflows:\n  __default__:\n    ${D}\n`, 'compose.yml:3:3: workflows.__default__: "__default__" names the default workflow: it cannot be a workflow\'s id'],
  ])('%s', async (_name, text, message) => {
    expect(await loadError(text)).toBe(message)
  })

  test('a workflow component naming one that exists, or the marked default, loads and runs it', async () => {
    const text = `${H}component:\n  id: w\n  type: workflow\n  actions:\n    - {id: named, workflow: other}\n    - {id: dflt, workflow: __default__}\nworkflows:\n  - id: main\n    jobs: [{id: j, component: w, action: named}]\n  - id: other\n    default: true\n    jobs: [{id: host, type: delay, duration: 0, output: from-other}]\n`
    expect(await run(text, {}, {}, 'main')).toBe('from-other')
  })
})

describe('7: ${env.NAME} reads as a YAML value, as 0.4.92 substitutes it in the text', () => {
  const file = (output: string) => `${H}workflow:\n  ${D}\n  output: ${output}\n`
  test.each([
    ['a whole plain value: the number', '{port: ${env.PORT}}', { PORT: '8080' }, { port: 8080 }],
    ['with a default, inside a flow mapping', '{port: ${env.X | 9090}}', {}, { port: 9090 }],
    ['a default that is a word', '{mode: ${env.X | fast}}', {}, { mode: 'fast' }],
    ['true is the boolean', '{on: ${env.B}}', { B: 'true' }, { on: true }],
    ['0.5 is the number', '{t: ${env.T}}', { T: '0.5' }, { t: 0.5 }],
    ['quoted: text', '{port: "${env.PORT}"}', { PORT: '8080' }, { port: '8080' }],
    ['spliced into text', '{url: "http://h:${env.PORT}/x", bare: h-${env.PORT}}', { PORT: '8080' }, { url: 'http://h:8080/x', bare: 'h-8080' }],
    ['two spliced into one plain value: its type too', '{n: ${env.A}${env.B}}', { A: '1', B: '2' }, { n: 12 }],
    ['not set, no default: null (a warning, as before)', '{n: ${env.NOPE}}', {}, { n: null }],
    ['mc\'s own form is still read', '{n: "${env.PORT as integer | 1}"}', { PORT: '7' }, { n: 7 }],
  ])('%s', async (_name, output, env, expected) => {
    expect(await run(file(output), {}, env)).toEqual(expected)
  })

  test.each([
    ['a mapping', 'a: b', 'a: b'],
    ['a flow list', '[1, 2]', '[1, 2]'],
    ['a comment', 'x # y', 'x # y'],
    ['a flow mapping end', 'x}, z: {w', 'x}, z: {w'],
  ])('a value that looks like YAML (%s) stays text: it cannot add structure', async (_name, value, expected) => {
    expect(await run(file('{v: ${env.V}, w: 1}'), {}, { V: value })).toEqual({ v: expected, w: 1 })
  })

  test('places stay true after a substitution; a YAML error never shows a value', async () => {
    const text = `${H}workflow:\n  ${D}\n  output: {a: \${env.SECRET_KEY}, b: \${env.SECRET_KEY}, c: [1\n`
    const message = await loadError(text, { SECRET_KEY: 'sk-very-secret-value-123' })
    expect(message).toMatch(/^compose\.yml:\d+:\d+: invalid YAML: /)
    expect(message).not.toContain('sk-very-secret')
    const after = `${H}workflow:\n  ${D}\n  output: {a: \${env.LONG_VARIABLE_NAME}, b: \${env.X}, outptu: 1}\n  outptu: 2\n`
    expect(await loadError(after, { LONG_VARIABLE_NAME: 'v', X: 'a-much-longer-value-than-its-binding' })).toBe('compose.yml:5:3: workflow.outptu: unknown key "outptu"')
  })

  test('the warning for a variable not set names the value\'s place', async () => {
    const dir = composeDir({ 'compose.yml': `${H}workflow:\n  ${D}\n  output: {n: \${env.NOPE}}\n` })
    const { warnings } = await loadCompose({ files: [], env: {}, registry: registry(), cwd: dir })
    expect(warnings).toEqual(['compose.yml:4:15: environment variable NOPE is not set'])
  })
})

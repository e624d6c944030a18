// Compose files built to explode (alias and merge-key bombs, deep nesting,
// huge counts, bindings nested without end) and files that used to slip
// through (unknown types and bindings, nothing to serve): `mc validate` must
// reject each with one line naming file:line:col, within 3 s and 200 MB.
import { describe, expect, test } from 'bun:test'
import { BINDING_FORMATS, BINDING_ROOTS } from '../../core/binding/names.ts'
import { composeDir, runMc } from '../support/mc.ts'
import { runMcMeasured, type MeasuredRun } from '../support/measure.ts'

const MB = 1024 * 1024
const COMPONENT = 'component:\n  type: http-client\n  endpoint: http://127.0.0.1:1/x\n'

function validate(text: string): Promise<MeasuredRun> {
  return runMcMeasured(['validate', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': text }) })
}

/** The bound of the issue: any file under 1 MB is accepted or rejected within 3 s and 200 MB. */
function expectBounded(run: MeasuredRun): void {
  expect(run.killed).toBeUndefined()
  expect(run.ms).toBeLessThan(3000)
  expect(run.peakBytes).toBeLessThan(200 * MB)
}

async function expectRejected(text: string, message: RegExp): Promise<void> {
  expect(text.length).toBeLessThan(MB)
  const run = await validate(text)
  expect(run.stderr).toMatch(message)
  expect(run.code).toBe(1)
  expectBounded(run)
}

const at = (line: number, col: number, reason: string) => new RegExp(`^mc \\| error: compose\\.yml:${line}:${col}: ${reason}\n$`)
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('YAML bombs', () => {
  const expansions = escape('too many alias expansions (over 10,000 nodes or 1,000,000 characters): a YAML alias bomb?')

  test('seven levels of nine aliases (half a kilobyte)', async () => {
    let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
    for (let i = 1; i <= 7; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`
    expect(text.length).toBeLessThan(512)
    await expectRejected(text, at(5, 10, expansions))
  })

  test('merge keys that each merge the level below twice', async () => {
    let text = 'm0: &m0 {k0: 0}\n'
    for (let i = 1; i <= 30; i++) text += `m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}], k${i}: ${i}}\n`
    await expectRejected(text, at(11, 22, expansions))
  })

  test('an alias copying a long text many times', async () => {
    const text = `${COMPONENT}  body:\n    a: &t "${'x'.repeat(200_000)}"\n${Array.from({ length: 10 }, (_, i) => `    k${i}: *t\n`).join('')}`
    await expectRejected(text, at(11, 9, expansions))
  })

  test('anchors that nest the one before them deeper', async () => {
    let text = `${COMPONENT}  body:\n    a0: &a0 x\n`
    for (let i = 1; i <= 5; i++) text += `    a${i}: &a${i} ${'['.repeat(30)}*a${i - 1}${']'.repeat(30)}\n`
    await expectRejected(text, at(9, 43, escape('nested too deeply (over 100 levels of maps and lists)')))
  })

  test('an alias inside its own anchor, an alias with no anchor', async () => {
    await expectRejected('a: &a [1, *a]\n', at(1, 11, escape('alias "*a" stands inside its own anchor')))
    await expectRejected(`${COMPONENT}  body: *nowhere\n`, at(4, 9, escape('unknown alias "*nowhere" (an anchor "&nowhere" must come before it)')))
  })
})

describe('sizes', () => {
  const tooDeep = escape('nested too deeply (over 100 levels of maps and lists)')

  test('half a million nested flow lists', async () => {
    await expectRejected(`x: ${'['.repeat(400_000)}${']'.repeat(400_000)}\n`, at(1, 101, tooDeep))
  })

  test('block lists and maps nested by indentation', async () => {
    await expectRejected(`x:\n  ${'- '.repeat(400_000)}a\n`, at(2, 199, tooDeep))
    await expectRejected(Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}a:\n`).join(''), at(100, 101, tooDeep))
  })

  test('a megabyte of keys', async () => {
    const text = `${COMPONENT}  body:\n${Array.from({ length: 80_000 }, (_, i) => `    k${i}: 1\n`).join('')}`
    await expectRejected(text.slice(0, text.lastIndexOf('\n', MB - 1) + 1), at(7502, 5, escape('too many YAML values (over 15,000) for a compose file')))
  })

  test('stray brackets and blank lines', async () => {
    await expectRejected(`x: 1\n${'}'.repeat(500_000)}`, at(2, 44998, escape('too many YAML tokens (over 45,000) for a compose file')))
    await expectRejected('\n'.repeat(999_999), at(100001, 1, escape('too many lines (over 100,000) for a compose file')))
  })

  test('tens of thousands of bindings in one string', async () => {
    await expectRejected(`${COMPONENT}  body: "${'${input.x}'.repeat(20_000)}"\n`, at(4, 9, escape('too many bindings "${...}" (over 10,000) in one file')))
  })

  test('a file near every limit still loads, in bounds', async () => {
    // 2,000 chained jobs, each reading the one before; 1,000 bindings; a body 90 levels deep.
    const jobs = Array.from({ length: 2000 }, (_, i) => `    - {id: j${i}${i > 0 ? `, input: "\${jobs.j${i - 1}.output}"` : ''}}\n`).join('')
    const text = `${COMPONENT}  body: ${'['.repeat(90)}x${']'.repeat(90)}\nworkflow:\n  jobs:\n${jobs}`
    const run = await validate(text)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('ok (1 components; workflows: __default__)\n')
    expectBounded(run)
  })
})

describe('bindings nested without end', () => {
  const body = (binding: string) => `${COMPONENT}  body: "${binding}"\n`
  const bad = (reason: string) => at(4, 9, `component\\.body: bad binding "\\$\\{[^\n]{0,50}\\}": ${escape(reason)}`)

  test('defaults of defaults', async () => {
    // 9,000 levels: under the bound on bindings in a file, so the parser meets them all.
    await expectRejected(body(`${'${input.a | '.repeat(9_000)}1${'}'.repeat(9_000)}`), bad('defaults nested too deeply (over 16 levels)'))
  })
  test('a default of deeply nested JSON', async () => {
    await expectRejected(body(`\${input.a | ${'['.repeat(300_000)}1${']'.repeat(300_000)}}`), bad('default nested too deeply (over 32 levels of brackets)'))
  })
  test('parentheses and "!"', async () => {
    await expectRejected(body(`\${${'('.repeat(300_000)}input.a${')'.repeat(300_000)}}`), bad('nested too deeply (over 32 levels of parentheses and "!")'))
    await expectRejected(body(`\${${'!'.repeat(500_000)}input.a}`), bad('nested too deeply (over 32 levels of parentheses and "!")'))
  })
  test('a long chain of ||', async () => {
    await expectRejected(body(`\${${Array(50_000).fill('input.a').join(' || ')}}`), bad('expression too long (over 200 terms)'))
  })
})

describe('names a binding cannot use', () => {
  test('an unknown type lists the types', async () => {
    await expectRejected(
      `${COMPONENT}workflow:\n  output: \${output as texty}\n`,
      at(5, 11, escape('workflow.output: bad binding "${output as texty}": unknown type "texty" (types: string, text, integer, number, boolean, json, list, object, base64, markdown, image, audio, video, file, select, slider, stream)')),
    )
  })
  test('an unknown format lists the formats', async () => {
    await expectRejected(
      `${COMPONENT}  body:\n    q: \${input.q as text;sse-txt}\n`,
      at(5, 8, escape(`component.body.q: bad binding "\${input.q as text;sse-txt}": unknown format "sse-txt" (formats: ${BINDING_FORMATS.join(', ')})`)),
    )
  })
  test('an unknown binding lists the bindings', async () => {
    await expectRejected(
      `${COMPONENT}  output: \${respons.x}\n`,
      at(4, 11, escape(`component.output: bad binding "\${respons.x}": unknown binding "respons" (bindings: ${BINDING_ROOTS.join(', ')})`)),
    )
  })
})

describe('nothing to serve', () => {
  const files: [string, string][] = [
    ['an empty file', ''],
    ['only comments', '# a compose file\n# to be written\n'],
    ['only a controller', 'controller:\n'],
  ]
  for (const [name, text] of files) {
    test(name, async () => {
      await expectRejected(text, at(1, 1, 'nothing to serve: no workflow and no component'))
    })
  }
})

test('merge keys merge as in YAML 1.1: the keys a map sets itself win', async () => {
  const dir = composeDir({
    'compose.yml': `
components:
  - &base
    id: base
    type: shell
    command: [echo, merged]
    output: \${stdout}
  - <<: *base
    id: copy
  - <<: *base
    id: own
    command: [echo, own]
workflows:
  - {id: copy, component: copy}
  - {id: own, component: own}
`,
  })
  expect(await runMc(['run', 'copy'], { cwd: dir })).toEqual({ code: 0, stdout: 'merged\n', stderr: '' })
  expect(await runMc(['run', 'own'], { cwd: dir })).toEqual({ code: 0, stdout: 'own\n', stderr: '' })
})

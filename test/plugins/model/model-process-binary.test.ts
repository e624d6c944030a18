// `runtime: process` from the single executable: the model's child process is
// the executable itself in its worker mode (`mc __model-worker`), not Bun on a
// source file, and answers as the in-process model does.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binaryFolder, builtBinary, startBinary, type BinaryFolder } from '../../support/binary.ts'
import { freePort, ROOT } from '../../support/mc.ts'

beforeAll(() => builtBinary(), 300_000)
let folder: BinaryFolder | undefined
afterAll(() => folder?.remove())

const component = (id: string, runtime: string) =>
  `  - id: ${id}\n    type: model\n    task: text-generation\n    model: ./tiny-gpt2\n    text: \${input.prompt}\n    streaming: \${input.stream | false}\n    params:\n      max_output_length: 24\n${runtime}`

test('the executable runs the model in itself as a worker; outputs and streams equal the in-process ones', async () => {
  folder = await binaryFolder()
  const { dir, mc, env } = folder
  cpSync(join(ROOT, 'test/fixtures/models/tiny-gpt2'), join(dir, 'tiny-gpt2'), { recursive: true })
  const port = freePort()
  const workflow = (id: string) => `  - id: ${id}\n    output: \${output as text;sse-text}\n    jobs:\n      - component: ${id}\n`
  writeFileSync(join(dir, 'model-compose.yml'), `controller:\n  port: ${port}\nworkflows:\n${workflow('here')}${workflow('child')}components:\n${component('here', '')}${component('child', '    runtime: process\n')}`)
  const up = await startBinary(mc, dir, env(), `http://127.0.0.1:${port}/api/health`)
  try {
    const run = async (id: string, stream: boolean) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: id, input: { prompt: 'Hello to', stream }, output_only: true }) })
      return (await response.text()).replace(/^id: .*\n/gm, '')
    }
    for (const stream of [false, true]) expect(await run('child', stream)).toBe(await run('here', stream))
    expect((await run('child', true)).split('\n\n').length).toBeGreaterThan(5) // streamed piece by piece
    const pid = Number(/model running in its own process \(pid (\d+)\)/.exec(up.logs())?.[1])
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2)).toEqual([mc, '__model-worker'])
  } finally {
    await up.stop()
  }
}, 120_000)

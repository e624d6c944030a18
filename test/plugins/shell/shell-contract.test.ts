// The `shell` component with model-compose's contract — `${result.stdout}`,
// `${result.stderr}`, `${result.exit_code}`, `working_dir`, `env`, `timeout`,
// lists of commands, `streaming`, `manage` scripts — and mc's
// earlier forms (`${stdout}`, `cwd`, `args`, text commands), through `mc run`.
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, MC, runMc } from '../../support/mc.ts'

function project(yaml: string): string {
  const dir = composeDir({ 'compose.yml': yaml })
  mkdirSync(join(dir, 'sub'))
  return dir
}

const run = (dir: string, args: string[] = [], env: Record<string, string> = {}) => runMc(['run', ...args], { cwd: dir, env })

describe("model-compose's contract", () => {
  test('the default output is ${result}: stdout and stderr stripped, and the exit code, a non-zero one included', async () => {
    const dir = project(`
component:
  type: shell
  command: [sh, -c, "printf '  out\\\\n\\\\n'; echo ' err ' >&2; exit 3"]
`)
    const result = await run(dir)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ stdout: 'out', stderr: 'err', exit_code: 3 })
  })

  test('${result.*} in an output; working_dir from the compose file (base_dir first); env added to the environment', async () => {
    const dir = project(`
component:
  type: shell
  base_dir: sub
  action:
    command: [sh, -c, 'pwd; echo "$GREETING $HOME_SET" >&2']
    working_dir: inner
    env: { GREETING: "hi \${input.name}", HOME_SET: "\${env.HOME | unset}" }
    output: { dir: "\${result.stdout}", said: "\${result.stderr}", code: "\${result.exit_code}" }
`)
    mkdirSync(join(dir, 'sub/inner'))
    const result = await run(dir, ['-i', '{"name": "mc"}'], { HOME: '/home/x' })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({ dir: join(dir, 'sub/inner'), said: 'hi mc /home/x', code: 0 })
  })

  test('a timeout kills the command and fails the run with one line', async () => {
    const dir = project('component:\n  type: shell\n  command: [sleep, "5"]\n  timeout: 300ms\n')
    const started = performance.now()
    const result = await run(dir)
    expect(performance.now() - started).toBeLessThan(4000)
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: command timed out after 0.3s: sleep\n' })
  })

  test('a list of commands runs them batch_size at a time and gives the list of their results', async () => {
    // Each command of a batch waits for the other's mark: only commands run together both finish.
    const wait = (mine: string, theirs: string) => `touch ${mine}; for i in $(seq 100); do [ -f ${theirs} ] && break; sleep 0.02; done; [ -f ${theirs} ] && echo ${mine}`
    const dir = project(`
component:
  type: shell
  command:
    - [sh, -c, "${wait('a', 'b')}"]
    - [sh, -c, "${wait('b', 'a')}"]
    - [sh, -c, "echo third; exit 1"]
  batch_size: 2
  output: \${result}
`)
    const result = await run(dir)
    expect(JSON.parse(result.stdout)).toEqual([
      { stdout: 'a', stderr: '', exit_code: 0 },
      { stdout: 'b', stderr: '', exit_code: 0 },
      { stdout: 'third', stderr: '', exit_code: 1 },
    ])
  })

  test('streaming: true gives stdout line by line, as the command writes it', async () => {
    // The second line waits for a file the test writes once it has read the first.
    const dir = project(`
workflow:
  output: \${output as text;sse-text}
component:
  type: shell
  command: [sh, -c, "echo first; while [ ! -f go ]; do sleep 0.05; done; echo second"]
  streaming: true
`)
    const proc = Bun.spawn([...MC, 'run'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader()
    const first = await Promise.race([reader.read(), Bun.sleep(10_000).then(() => undefined)])
    expect(new TextDecoder().decode(first?.value)).toBe('first\n')
    writeFileSync(join(dir, 'go'), '')
    let rest = ''
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += new TextDecoder().decode(next.value)
    expect(rest).toBe('second\n')
    expect(await proc.exited).toBe(0)
  })

  test('stdout is read up to MC_MAX_COMMAND_OUTPUT_BYTES; past it the command is killed and the run fails saying so', async () => {
    const dir = project(`
component:
  type: shell
  command: [sh, -c, 'head -c "$0" /dev/zero | tr "\\000" x; sleep "$1"', "\${input.bytes}", "\${input.sleep}"]
  output: \${result.stdout}
`)
    const limit = { MC_MAX_COMMAND_OUTPUT_BYTES: '4KiB' }
    const started = performance.now()
    const over = await run(dir, ['-i', '{"bytes": 5000, "sleep": 30}'], limit)
    expect(over).toEqual({
      code: 1,
      stdout: '',
      stderr: "mc | error: command sh wrote more than 4 KiB to stdout, the most mc holds of a command's output (MC_MAX_COMMAND_OUTPUT_BYTES); raise it, e.g. -e MC_MAX_COMMAND_OUTPUT_BYTES=16KiB\n",
    })
    expect(performance.now() - started).toBeLessThan(10_000) // killed, not waited for
    expect(await run(dir, ['-i', '{"bytes": 4096, "sleep": 0}'], limit)).toEqual({ code: 0, stdout: `${'x'.repeat(4096)}\n`, stderr: '' })
  })

  test('install runs before the first run, clean after mc is done; runtime "embedded" runs here', async () => {
    const dir = project(`
component:
  type: shell
  runtime: embedded
  manage:
    install: [sh, -c, "echo ready > installed"]
    clean: [[sh, -c, "rm installed"], [sh, -c, "echo done > cleaned"]]
  command: [cat, installed]
  output: \${result.stdout}
`)
    const result = await run(dir)
    expect(result).toMatchObject({ code: 0, stdout: 'ready\n' })
    expect(result.stderr).toBe('__default__ | install: sh -c echo ready > installed\n__default__ | clean: sh -c rm installed\n__default__ | clean: sh -c echo done > cleaned\n')
    expect(existsSync(join(dir, 'installed'))).toBe(false)
    expect(readFileSync(join(dir, 'cleaned'), 'utf8')).toBe('done\n')
  })
})

describe("mc's earlier forms", () => {
  test('${stdout} and ${stderr} (one trailing newline removed), cwd, args, and text run by sh -c', async () => {
    const dir = project(`
workflows:
  - id: text
    jobs: [{ component: text }]
  - id: args
    jobs: [{ component: args }]
components:
  - id: text
    type: shell
    command: 'echo "  $PWD"; echo oops >&2'
    cwd: sub
    output: { out: "\${stdout}", err: "\${stderr}" }
  - id: args
    type: shell
    command: printf
    args: ["%s|%s", "\${input.a}", two words]
    output: \${stdout}
`)
    expect(JSON.parse((await run(dir, ['text'])).stdout)).toEqual({ out: `  ${join(dir, 'sub')}`, err: 'oops' })
    expect(await run(dir, ['args', '-i', '{"a": 1}'])).toEqual({ code: 0, stdout: '1|two words\n', stderr: '' })
  })
})

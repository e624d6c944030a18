// A command that cannot start (model-compose 0.4.92's FileNotFoundError) is an
// error: `retry` and `on_error` apply, and without them the run fails naming
// the command. A command that ran keeps its exit code, 127 from `sh -c` for a
// command the shell cannot find included (as Python's shell=True gives it).
import { describe, expect, test } from 'bun:test'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, runMc } from '../../support/mc.ts'

const H = 'controller: {adapter: {type: http-server, port: 8080}}\n'

async function run(yaml: string) {
  const dir = composeDir({ 'compose.yml': yaml })
  return { dir, result: await runMc(['run'], { cwd: dir }) }
}

describe('a command that cannot start', () => {
  test('on_error: {output: …} gives the fallback, as in 0.4.92', async () => {
    const { result } = await run(`${H}component: {id: c, type: shell, action: {command: [/no/such/cmd]}}
workflow: {jobs: [{id: j, component: c, on_error: {output: {status: failed}}}]}
`)
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ status: 'failed' })
  })

  test('without on_error the run fails, naming the command', async () => {
    const { result } = await run(`${H}component: {id: c, type: shell, action: {command: [/no/such/cmd]}}
workflow: {jobs: [{id: j, component: c}]}
`)
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: cannot start command /no/such/cmd: no such file or directory (job j, component c)\n' })
  })

  test('retry runs it again, then on_error sees ${error.message}', async () => {
    const { result } = await run(`${H}component: {id: c, type: shell, action: {command: [no-such-command-xyz123], output: "\${result.stdout}"}}
workflow:
  jobs:
    - id: j
      component: c
      retry: {max_attempt_count: 3, delay: 0}
      on_error: {output: {status: failed, message: "\${error.message}"}}
`)
    expect(JSON.parse(result.stdout)).toEqual({ status: 'failed', message: 'cannot start command no-such-command-xyz123: not found in PATH (component c)' })
  })

  test('on_error: {to: …} routes to a recovery job', async () => {
    const { result } = await run(`${H}components:
  - {id: failing, type: shell, action: {command: [/definitely/not/a/real/command/xyz123], output: "\${result.stdout}"}}
  - {id: echo, type: shell, action: {command: [echo, "\${input.label}"], output: "\${result.stdout}"}}
workflow:
  jobs:
    - {id: primary, component: failing, on_error: {to: recovery}}
    - {id: recovery, component: echo, input: {label: recovered}}
`)
    expect(result.stdout.trim()).toBe('recovered')
  })

  test('a file that is not executable is refused the same way', async () => {
    const dir = composeDir({
      'compose.yml': `${H}component: {id: c, type: shell, action: {command: [./tool.sh]}}
workflow: {jobs: [{id: j, component: c, on_error: {output: {message: "\${error.message}"}}}]}
`,
    })
    writeFileSync(join(dir, 'tool.sh'), '#!/bin/sh\necho hi\n')
    chmodSync(join(dir, 'tool.sh'), 0o644)
    const result = await runMc(['run'], { cwd: dir })
    expect(JSON.parse(result.stdout)).toEqual({ message: 'cannot start command ./tool.sh: permission denied (component c)' })
  })

  test('a working_dir that does not exist fails the run naming it (0.4.92: FileNotFoundError)', async () => {
    const { dir, result } = await run('component: {id: c, type: shell, action: {command: [echo, hi], working_dir: no/such/dir}}\n')
    expect(result).toEqual({ code: 1, stdout: '', stderr: `mc | error: cannot start command echo: no such working directory ${join(dir, 'no/such/dir')} (component c)\n` })
  })

  test('streaming: true fails the run too', async () => {
    const { result } = await run('component: {id: c, type: shell, action: {command: [no-such-command-xyz123], streaming: true}}\n')
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: cannot start command no-such-command-xyz123: not found in PATH (component c)\n' })
  })
})

describe('a command that ran keeps its exit code', () => {
  test('exit 127 of a command that ran is an exit_code, not an error', async () => {
    const { result } = await run(`${H}component: {id: c, type: shell, action: {command: [sh, -c, "exit 127"]}}
workflow: {jobs: [{id: j, component: c, on_error: {output: {status: failed}}}]}
`)
    expect(JSON.parse(result.stdout)).toEqual({ stdout: '', stderr: '', exit_code: 127 })
  })

  test("text run by sh -c: the shell started, its 127 for a missing command is an exit_code (Python's shell=True)", async () => {
    const { result } = await run('component: {id: c, type: shell, action: {command: "no-such-command-xyz123 2>/dev/null"}}\n')
    expect(JSON.parse(result.stdout)).toEqual({ stdout: '', stderr: '', exit_code: 127 })
  })
})

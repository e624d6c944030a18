// model-compose's `manage:` scripts of an http-server (0.4.10's
// vllm-chat-completion-stream, 0.4.92's model-providers/vllm/*): `install` and
// `build` run before the server starts, `start` is the server, `clean` runs
// once it stopped. A real child server (test/support/model-server.ts) started
// by a real `mc`.
import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, runMc, startMc } from '../../support/mc.ts'

const SERVER = [process.execPath, join(ROOT, 'test/support/model-server.ts')]

/** The shape of the vLLM example: the start command refuses to run unless install left its mark. */
function vllm(port: number, serverPort: number, install: string) {
  return `
controller:
  port: ${port}
workflow:
  output: \${output as text;sse-text}
component:
  id: vllm
  type: http-server
  manage:
    install:
      - sh
      - -c
      - ${JSON.stringify(install)}
    start: ${JSON.stringify(['sh', '-c', 'test -f installed && exec "$0" "$@"', ...SERVER, '--port', String(serverPort)])}
    clean: [sh, -c, "rm installed; echo cleaned > cleaned"]
  port: ${serverPort}
  base_path: /v1
  method: POST
  path: /chat/completions
  body:
    messages: [{ role: user, content: "\${input.prompt as text}" }]
    stream: true
  stream_format: json
  output: \${response[].choices[0].delta.content}
`
}

const ask = (url: string) =>
  fetch(`${url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { prompt: 'Hi vLLM' }, output_only: true }),
  })

/** Live processes of a process group, from `ps`. */
function groupMembers(pgid: number): string[] {
  return Bun.spawnSync(['ps', '-o', 'pid=,stat=', '-g', String(pgid)])
    .stdout.toString()
    .split('\n')
    .filter((line) => line.trim() && !/^\s*\d+\s+Z/.test(line))
}

describe('manage: scripts of an http-server', () => {
  test('install runs before start; requests stream from the server at base_path; clean runs after mc stopped it', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': vllm(port, freePort(), 'echo "pip install vllm: done"; echo installed > installed') })
    const mc = await startMc(dir, [], port)
    let group = 0
    try {
      const response = await ask(mc.url)
      expect((await response.text()).replace(/^id: .*\n/gm, '')).toBe('data: You\n\ndata:  said:\n\ndata:  Hi\n\ndata:  vLLM\n\n')
      const logs = mc.logs()
      expect(logs).toContain('vllm | install: sh -c echo "pip install vllm: done"; echo installed > installed\nvllm | pip install vllm: done\n')
      expect(logs.indexOf('vllm | install:')).toBeLessThan(logs.indexOf('vllm | starting:'))
      const pid = /model-server: loading weights \(pid (\d+)\)/.exec(logs)![1]!
      group = Number(Bun.spawnSync(['ps', '-o', 'pgid=', '-p', pid]).stdout.toString().trim())
      expect(existsSync(join(dir, 'cleaned'))).toBe(false)
    } finally {
      await mc.stop()
    }
    expect(readFileSync(join(dir, 'cleaned'), 'utf8')).toBe('cleaned\n')
    expect(existsSync(join(dir, 'installed'))).toBe(false)
    expect(groupMembers(group)).toEqual([])
  })

  test('a failing install: requests fail with its exit code and last lines, the server never starts, mc serves on', async () => {
    const port = freePort()
    const mc = await startMc(composeDir({ 'compose.yml': vllm(port, freePort(), 'echo "ERROR: No matching distribution found for vllm" >&2; exit 3') }), [], port)
    try {
      const response = await ask(mc.url)
      expect(response.status).toBe(500)
      expect(((await response.json()) as { detail: string }).detail).toBe(
        'component "vllm": install command "sh -c echo "ERROR: No matching distribution found for vllm" >&2; exit 3" exited with code 3; its last lines:\nERROR: No matching distribution found for vllm',
      )
      expect((await fetch(`${mc.url}/api/health`)).status).toBe(200)
      expect(mc.logs()).not.toContain('starting:')
    } finally {
      await mc.stop()
    }
  })

  test('manage.scripts with lists of commands, build after install, working_dir and env (mc run)', async () => {
    const serverPort = freePort()
    const dir = composeDir({
      'compose.yml': `
component:
  type: http-server
  manage:
    scripts:
      install: [[sh, -c, "mkdir -p work && echo $STAGE > work/a"], [sh, -c, "echo two >> work/a"]]
      build: [sh, -c, "cat work/a > work/b"]
      start: ${JSON.stringify(['sh', '-c', 'cd work && test -f b && exec "$0" "$@"', ...SERVER, '--port', String(serverPort)])}
    env: { STAGE: one }
  port: ${serverPort}
  method: POST
  path: /v1/chat/completions
  body: { messages: [{ role: user, content: "\${input.prompt}" }] }
  output: \${response.choices[0].message.content}
`,
    })
    const result = await runMc(['run', '-i', '{"prompt": "built"}'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('You said: built\n')
    expect(readFileSync(join(dir, 'work/b'), 'utf8')).toBe('one\ntwo\n')
  })

  test('a script given twice, no start command, or a completion, is a load error at its line', async () => {
    const validate = async (component: string) => (await runMc(['validate'], { cwd: composeDir({ 'compose.yml': `component:\n  type: http-server\n  port: 9\n${component}` }) })).stderr
    expect(await validate('  start: [a]\n  manage:\n    start: [b]\n')).toBe('mc | error: compose.yml:6:12: component.manage.start: "start" is given twice; keep one\n')
    expect(await validate('  manage:\n    install: [pip, install, vllm]\n')).toBe(
      'mc | error: compose.yml:2:3: component: needs the command that starts the server: "start" (or "manage.start"); for a server mc does not start, use an http-client\n',
    )
    expect(await validate('  start: [a]\n  completion: { type: callback }\n')).toBe(
      'mc | error: compose.yml:5:15: component.completion: mc does not wait for a completion (a callback or a polled status): the answer to the request is the result\n',
    )
  })
})

// `bun build --compile` gives one executable that runs mc with nothing else
// installed (model components aside: see README).
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { composeDir, freePort, ROOT } from './support/mc.ts'

test('the compiled mc runs a workflow and serves the API and the Web UI', async () => {
  const dir = composeDir({})
  const binary = join(dir, 'mc')
  const build = Bun.spawnSync([process.execPath, 'build', '--compile', join(ROOT, 'cli/main.ts'), '--outfile', binary], { cwd: ROOT })
  expect(build.exitCode).toBe(0)
  const port = freePort()
  const uiPort = freePort()
  await Bun.write(
    join(dir, 'compose.yml'),
    `controller:\n  port: ${port}\n  webui:\n    port: ${uiPort}\nworkflow:\n  title: Echo\ncomponent:\n  type: shell\n  command: [echo, "hi \${input.name}"]\n  output: \${stdout}\n`,
  )
  const run = Bun.spawnSync([binary, 'run', '-i', '{"name": "binary"}'], { cwd: dir })
  expect(run.stdout.toString()).toBe('hi binary\n')
  const up = Bun.spawn([binary, 'up'], { cwd: dir, stdout: 'ignore', stderr: 'ignore' })
  try {
    let page = ''
    for (let i = 0; i < 100 && !page; i++) {
      page = await fetch(`http://127.0.0.1:${uiPort}/`).then((r) => (r.ok ? r.text() : ''), () => '')
      if (!page) await Bun.sleep(50)
    }
    expect(page).toContain('<title>Echo</title>')
    const answer = await fetch(`http://127.0.0.1:${port}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { name: 'api' } }) })
    expect(((await answer.json()) as { output: string }).output).toBe('hi api')
  } finally {
    up.kill('SIGTERM')
    await up.exited
  }
})

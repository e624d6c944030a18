// Nothing mc starts outlives mc (issue 7), however mc is stopped — Ctrl-C,
// SIGTERM, SIGKILL — and however it was started: Bun itself, the npm bin
// (cli/mc, a shell script that execs Bun), `npx mc`. Each case runs a managed server whose workers a
// group SIGTERM does not stop (one ignores SIGTERM, one left the group with
// setsid) and a shell command with a background child, records every process
// of the tree, signals the top one, and wants all of them gone within 10 s.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC, ROOT, waitForHttp } from '../support/mc.ts'

const SERVER = [process.execPath, join(ROOT, 'test/support/model-server.ts')]

const LAUNCHERS = {
  bun: MC,
  'the npm bin': [join(ROOT, 'cli/mc')],
  // From the project folder `npx mc` runs the project's own bin, through npm and `sh -c`.
  npx: ['npx', 'mc'],
} as const
type Launcher = keyof typeof LAUNCHERS

function compose(port: number, serverPort: number): string {
  return `
controller:
  port: ${port}
workflows:
  - id: sleepy
    jobs:
      - component: sleepy
components:
  - id: vllm
    type: http-server
    start: ${JSON.stringify([...SERVER, '--port', String(serverPort), '--stubborn-workers'])}
    port: ${serverPort}
    healthcheck:
      path: /health
      interval: 0.2s
  - id: sleepy
    type: shell
    command: "sleep 1001 & sleep 1002"
`
}

interface Proc {
  pid: number
  ppid: number
  zombie: boolean
  args: string
}

/** Every process on the machine, from `ps` (not from mc's own code). */
function processes(): Proc[] {
  return Bun.spawnSync(['ps', '-e', '-o', 'pid=,ppid=,stat=,args='])
    .stdout.toString()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), zombie: m[3]!.startsWith('Z'), args: m[4]! }))
}

/** `top` and everything below it, by parent links. */
function tree(top: number): Proc[] {
  const all = processes()
  const found = all.filter((p) => p.pid === top)
  for (let i = 0; i < found.length; i++) found.push(...all.filter((p) => p.ppid === found[i]!.pid))
  return found
}

/** Those of `recorded` still running (same pid, same command line, not a zombie). */
function survivors(recorded: Proc[]): Proc[] {
  const now = new Map(processes().map((p) => [p.pid, p]))
  return recorded.filter((p) => {
    const current = now.get(p.pid)
    return current !== undefined && !current.zombie && current.args === p.args
  })
}

/** Starts mc with a ready server and a running shell command; resolves with its whole tree. */
async function startTree(launcher: Launcher, env: Record<string, string>) {
  const port = freePort()
  const dir = composeDir({ 'compose.yml': compose(port, freePort()) })
  // Its own process group, as a terminal gives each job.
  const proc = Bun.spawn([...LAUNCHERS[launcher], '-f', join(dir, 'compose.yml'), 'up'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
    detached: true,
  })
  let logs = ''
  void (async () => {
    for await (const chunk of proc.stderr) logs += new TextDecoder().decode(chunk)
  })()
  void new Response(proc.stdout).text()
  try {
    const url = `http://127.0.0.1:${port}/api`
    await waitForHttp(`${url}/health`, proc, () => logs)
    const run = await fetch(`${url}/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_id: 'sleepy', wait_for_completion: false }),
    })
    if (!run.ok) throw new Error(`the shell command did not start: ${run.status} ${await run.text()}`)
    const wanted = ['sleep 1000', 'sleep 1000', 'sleep 1001', 'sleep 1002'] // the server's two workers, the shell command's two sleeps
    const deadline = Date.now() + 20_000
    for (;;) {
      const all = tree(proc.pid)
      const sleeps = all.map((p) => p.args).filter((args) => /^sleep 100\d$/.test(args))
      if (sleeps.sort().join() === wanted.join() && logs.includes('ready on port')) return { proc, all }
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the tree did not come up: ${JSON.stringify(all.map((p) => p.args))}\n${logs}`)
      await Bun.sleep(50)
    }
  } catch (error) {
    for (const p of tree(proc.pid)) kill(p.pid)
    throw error
  }
}

async function expectNothingLeft(recorded: Proc[], withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs
  let left = survivors(recorded)
  while (left.length > 0 && Date.now() < deadline) {
    await Bun.sleep(100)
    left = survivors(recorded)
  }
  for (const p of left) kill(p.pid) // leave nothing behind, pass or fail
  expect(left.map((p) => p.args)).toEqual([])
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // gone meanwhile
  }
}

/** SIGINT to npx's process group: npm passes a SIGINT sent to it alone to `sh -c`, which holds it until its child exits. */
const toGroup = (launcher: Launcher, signal: NodeJS.Signals) => launcher === 'npx' && signal === 'SIGINT'

describe.concurrent('nothing mc started survives it', () => {
  for (const launcher of Object.keys(LAUNCHERS) as Launcher[]) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
      // One case keeps the default 5 s grace: a worker ignoring SIGTERM is SIGKILLed after it, within the 10 s.
      const defaultGrace = launcher === 'the npm bin' && signal === 'SIGKILL'
      const target = toGroup(launcher, signal) ? 'its process group' : 'the top process'
      test(`${launcher}, ${signal} to ${target}${defaultGrace ? ', default grace period' : ''}`, async () => {
        const { proc, all } = await startTree(launcher, defaultGrace ? {} : { MC_STOP_GRACE_SECONDS: '1' })
        process.kill(toGroup(launcher, signal) ? -proc.pid : proc.pid, signal)
        await expectNothingLeft(all, 10_000)
      })
    }
  }

  test('`mc up -d` through the npm bin: the background mc outlives the launcher until `mc down`', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port, freePort()) })
    const npmBin = (args: string[]) =>
      Bun.spawn([...LAUNCHERS['the npm bin'], ...args], { cwd: dir, env: { ...process.env, MC_STOP_GRACE_SECONDS: '1' }, stdout: 'pipe', stderr: 'pipe' })
    expect(await npmBin(['up', '-d']).exited).toBe(0)
    await Bun.sleep(1000) // time for a parent-death signal to arrive, were there one
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200)
    const pid = (JSON.parse(readFileSync(join(dir, '.mc/state.json'), 'utf8')) as { pid: number }).pid
    let background = tree(pid)
    for (let i = 0; i < 200 && background.filter((p) => p.args === 'sleep 1000').length < 2; i++) {
      await Bun.sleep(50)
      background = tree(pid)
    }
    expect(background.filter((p) => p.args === 'sleep 1000').length).toBe(2) // the server's workers
    expect(await npmBin(['down']).exited).toBe(0)
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow()
    await expectNothingLeft(background, 10_000)
  })
})

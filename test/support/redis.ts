// A real Redis for the tests that need one: Debian's redis-server, started on
// a free loopback port with nothing persisted, stopped by the test that
// started it. Tests never touch a Redis they did not start.

import { RedisClient } from 'bun'
import { freePort } from './mc.ts'
import { requirementMet } from './requirements.ts'

export interface TestRedis {
  url: string
  port: number
  proc: ReturnType<typeof Bun.spawn>
  /** SHUTDOWN NOSAVE by signal; resolves when the server has exited. */
  stop(): Promise<void>
}

const SERVER = Bun.which('redis-server')

/** True when redis-server is installed; otherwise registers a test that fails naming the install command. */
export function redisAvailable(): boolean {
  return requirementMet('redis', SERVER !== null, "Debian's redis-server", 'apt-get install -y redis-server')
}

/** Starts a redis-server of the test's own; resolves once it answers PING. */
export async function startRedis(): Promise<TestRedis> {
  if (!SERVER) throw new Error('redis-server is missing: install it with `apt-get install -y redis-server`')
  const port = freePort()
  const proc = Bun.spawn([SERVER, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdout: 'ignore',
    stderr: 'ignore',
  })
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}`)
    if (await ping(port)) break
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`redis-server on port ${port} did not answer within 10 s`)
    }
    await Bun.sleep(20)
  }
  return {
    url,
    port,
    proc,
    async stop() {
      proc.kill('SIGTERM')
      await proc.exited
    },
  }
}

/** One PING over a raw socket: true on +PONG. */
async function ping(port: number): Promise<boolean> {
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      Bun.connect({
        hostname: '127.0.0.1',
        port,
        socket: {
          open: (socket) => void socket.write('PING\r\n'),
          data: (socket, data) => {
            resolve(data.toString())
            socket.end()
          },
          error: (_, error) => reject(error),
          connectError: (_, error) => reject(error),
        },
      }).catch(reject)
    })
    return answer.startsWith('+PONG')
  } catch {
    return false
  }
}

/** The first message on a channel, subscribed before `then` runs (as model-compose's guide says: subscribe, then push). */
export async function firstMessage(url: string, channel: string, then: () => Promise<unknown>): Promise<string> {
  const listener = new RedisClient(url)
  try {
    let got!: (message: string) => void
    const message = new Promise<string>((resolve) => (got = resolve))
    await listener.subscribe(channel, (m) => got(m))
    await then()
    return await Promise.race([message, Bun.sleep(15_000).then(() => Promise.reject(new Error(`nothing on ${channel} for 15 s`)))])
  } finally {
    listener.close()
  }
}

/** Plays a model-compose worker taking one task from `queue`: BRPOP, as its consumer loop does (15 s at most). */
export async function takeTask(url: string, queue: string): Promise<{ task_id: string; run_id: string; input: unknown; expires_at?: number }> {
  const popper = new RedisClient(url)
  try {
    const popped = (await popper.send('BRPOP', [queue, '15'])) as [string, string] | null
    if (!popped) throw new Error(`nothing on ${queue} for 15 s`)
    return JSON.parse(popped[1])
  } finally {
    popper.close()
  }
}

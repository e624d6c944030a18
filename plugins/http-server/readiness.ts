// Waits for a managed server to be ready: its health path answering 2xx (or,
// without one, its port accepting connections), checked every `interval` for up
// to `max_retry_count` tries or `start_period`. The wait ends early, with the
// exit code and last log lines, if the process dies. Before that, whether the
// port is free at all.

import { connect } from 'node:net'
import { type Logger, toMilliseconds } from '../../core/plugin/api.ts'
import type { ManagedProcess } from './managed-process.ts'
import type { HttpServerSettings } from './schema.ts'

type Healthcheck = NonNullable<HttpServerSettings['healthcheck']>

export function exitedError(id: string, process: ManagedProcess): Error {
  const tail = process.tail()
  return new Error(`server "${id}" exited with code ${process.exitCode}${tail ? `; its last lines:\n${tail}` : ' and wrote nothing'}`)
}

/**
 * True when something listens on the port, on any local address: binding it
 * on the wildcard address fails then (exclusively: a listener with SO_REUSEPORT
 * counts too). A connection attempt alone would miss a listener not answering yet.
 */
export function portTaken(port: number): boolean {
  try {
    Bun.listen({ hostname: '0.0.0.0', port, exclusive: true, socket: { data() {} } }).stop(true)
    return false
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') return true
    throw error
  }
}

/** True when something accepts connections on the port. */
function portAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

export async function waitUntilReady(id: string, port: number, check: Healthcheck, process: ManagedProcess, log: Logger): Promise<void> {
  const intervalMs = toMilliseconds(check.interval ?? 1)
  const probeMs = toMilliseconds(check.timeout ?? 5)
  const tries = check.start_period !== undefined ? Math.max(1, Math.ceil(toMilliseconds(check.start_period) / intervalMs)) : (check.max_retry_count ?? 300)
  const url = check.path ? `http://127.0.0.1:${port}/${check.path.replace(/^\//, '')}` : undefined
  const started = performance.now()
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (process.exitCode !== null) throw exitedError(id, process)
    if (url ? await healthy(url, probeMs) : await portAnswers(port)) {
      log.info(`ready on port ${port} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
      return
    }
    if (attempt === 1 || attempt % 10 === 0) log.info(`waiting for ${url ?? `port ${port}`} (try ${attempt}/${tries})`)
    const exited = await Promise.race([process.exited.then(() => true), Bun.sleep(intervalMs).then(() => false)])
    if (exited) throw exitedError(id, process)
  }
  throw new Error(`server "${id}" did not become healthy after ${tries} tries ${((performance.now() - started) / 1000).toFixed(0)} s (${url ?? `port ${port}`})`)
}

async function healthy(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await response.body?.cancel()
    return response.ok
  } catch {
    return false
  }
}

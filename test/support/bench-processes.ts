// What the benchmark scripts share: room in this process's fetch for many
// requests at once, and the local upstream as a process of its own.

import { join } from 'node:path'
import { freePort, ROOT, waitForHttp } from './mc.ts'

/**
 * Bun reads its cap on concurrent fetches only at start (NOTES.md): without
 * it set, the script runs again in a child with room for `requests`, and this
 * process exits with the child's code.
 */
export async function ensureFetchRoom(script: string, requests: number): Promise<void> {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return
  const self = Bun.spawn([process.execPath, script, ...process.argv.slice(2)], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: String(requests) },
    stdio: ['inherit', 'inherit', 'inherit'],
  })
  process.exit(await self.exited)
}

/** test/support/upstream.ts on a free port, answering. */
export async function startUpstreamProcess(): Promise<{ url: string; proc: ReturnType<typeof Bun.spawn> }> {
  const port = freePort()
  const proc = Bun.spawn([process.execPath, join(ROOT, 'test/support/upstream.ts')], { env: { ...process.env, PORT: String(port) }, stdout: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/stats`, proc)
  return { url, proc }
}

// What the benchmark scripts share: room in this process's fetch for many
// requests at once, and the local upstream as a process of its own (on Bun,
// or its chat stream on Node).

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

/** test/support/node-upstream.ts, bundled for Node, run by `node` on a free port, answering. */
export async function startNodeUpstreamProcess(): Promise<{ url: string; proc: ReturnType<typeof Bun.spawn> }> {
  const outdir = mkdtempSync(join(tmpdir(), 'mc-node-upstream-'))
  const built = await Bun.build({ entrypoints: [join(ROOT, 'test/support/node-upstream.ts')], target: 'node', outdir })
  if (!built.success) throw new AggregateError(built.logs, 'bundling test/support/node-upstream.ts failed')
  const port = freePort()
  const proc = Bun.spawn(['node', built.outputs[0]!.path], { env: { ...process.env, PORT: String(port) }, stdout: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  await waitForHttp(`${url}/health`, proc)
  return { url, proc }
}

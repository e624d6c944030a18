// Runs `mc` the way a user does: a spawned process (`bun cli/main.ts ...`),
// talked to over real HTTP.

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '../..')
export const MC = [process.execPath, join(ROOT, 'cli/main.ts')]

/** A port nobody listens on right now. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port!
  server.stop(true)
  return port
}

/** Resolves once `url` answers (below 500); fails when `proc` exits first or after 20 s. */
export async function waitForHttp(url: string, proc: { exitCode: number | null }, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`process for ${url} exited with ${proc.exitCode}: ${describe()}`)
    try {
      if ((await fetch(url)).status < 500) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up: ${describe()}`)
    await Bun.sleep(50)
  }
}

/** Writes a compose file (and any extra files) into a fresh temp folder. */
export function composeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-test-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

/** Writes `keys.yml` (an MC_API_KEYS_FILE) into `dir`, by default readable by its owner only, as mc requires; its path. */
export function writeKeyFile(dir: string, text: string, mode = 0o600): string {
  const path = join(dir, 'keys.yml')
  writeFileSync(path, text)
  chmodSync(path, mode)
  return path
}

export interface McProcess {
  url: string
  /** `url` and the base path: where the HTTP API answers. */
  api: string
  proc: ReturnType<typeof Bun.spawn>
  /** Everything the process wrote to stderr so far. */
  logs(): string
  stop(): Promise<number>
}

/** `mc up -f FILE` in `cwd`; resolves once /health answers. */
export async function startMc(cwd: string, args: string[], port: number, env: Record<string, string> = {}, basePath = '/api'): Promise<McProcess> {
  const proc = Bun.spawn([...MC, ...args, 'up'], { cwd, env: { ...process.env, ...env }, stdout: 'pipe', stderr: 'pipe' })
  let logs = ''
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) logs += decoder.decode(chunk, { stream: true })
  }
  void collect(proc.stdout as ReadableStream<Uint8Array>)
  void collect(proc.stderr as ReadableStream<Uint8Array>)
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}${basePath}/health`, proc, () => logs)
  } catch (error) {
    proc.kill()
    throw error
  }
  return {
    url,
    api: `${url}${basePath}`,
    proc,
    logs: () => logs,
    async stop() {
      proc.kill('SIGTERM')
      return proc.exited
    },
  }
}

/** `mc up` of the compose file `compose(port)` writes on a free port, in a fresh folder; with `keyFile`, that text is its MC_API_KEYS_FILE. */
export async function startComposed(compose: (port: number) => string, env: Record<string, string> = {}, { keyFile }: { keyFile?: string } = {}): Promise<McProcess> {
  const port = freePort()
  const dir = composeDir({ 'compose.yml': compose(port) })
  return startMc(dir, [], port, keyFile === undefined ? env : { ...env, MC_API_KEYS_FILE: writeKeyFile(dir, keyFile) })
}

/** One run of `workflow` over mc's HTTP API, waited for: its status and answer (JSON when it parses, else the text). */
export async function callWorkflow(mc: McProcess, workflow: string, input: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${mc.api}/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflow, input, wait_for_completion: true, output_only: true }),
  })
  const text = await response.text()
  try {
    return { status: response.status, body: JSON.parse(text) }
  } catch {
    return { status: response.status, body: text }
  }
}

/** `mc ARGS...` to completion: exit code, stdout, stderr. */
export async function runMc(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const proc = Bun.spawn([...MC, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

/** Reads a response body as it arrives, returning the pieces with their arrival times. */
export async function readPieces(response: Response): Promise<{ text: string; pieces: { at: number; text: string }[] }> {
  const pieces: { at: number; text: string }[] = []
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    const piece = decoder.decode(chunk, { stream: true })
    text += piece
    pieces.push({ at: performance.now(), text: piece })
  }
  return { text, pieces }
}

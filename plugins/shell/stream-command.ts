// One command with `streaming: true` (model-compose 0.4.92): its stdout lines,
// each with its line ending, as a stream that yields each line as the command
// writes it. Its stderr goes to the log, its exit code is not looked at (as in
// model-compose); a command that cannot start fails the stream. `timeout` is
// the longest wait for the next line. A line is at most MC_MAX_CHUNK_BYTES. The
// command starts when the stream is first read; cancelling the run, or the
// reader going away, kills it.

import { Buffer } from 'node:buffer'
import { describeBytes, linesOf, SupervisedProcess, textOf } from '../../core/plugin/api.ts'
import type { CommandOptions } from './run-command.ts'

export async function* streamCommand(argv: string[], options: CommandOptions & { maxLineBytes: number }): AsyncGenerator<string> {
  const { signal, timeoutMs, maxLineBytes, log } = options
  signal.throwIfAborted()
  const child = new SupervisedProcess(argv, { cwd: options.cwd, env: options.env, graceMs: 0 })
  const stop = () => void child.stop()
  signal.addEventListener('abort', stop, { once: true })
  const lines = linesKeepingEnds(child.stdout, maxLineBytes, () => new Error(`command ${argv[0]} wrote a line longer than ${describeBytes(maxLineBytes)}, the most mc holds as one chunk (MC_MAX_CHUNK_BYTES)`))
  try {
    const failure = await child.startFailure
    if (failure) throw failure
    void (async () => {
      for await (const line of linesOf(child.stderr)) log.info(line)
    })().catch(() => {})
    for (;;) {
      const next = await withTimeout(lines.next(), timeoutMs, () => new Error(`command sent no line for ${timeoutMs! / 1000}s: ${argv[0]}`))
      signal.throwIfAborted()
      if (next.done) break
      yield next.value
    }
    const code = await child.exited
    if (code !== 0) log.debug(`command exited with code ${code}: ${argv[0]}`)
  } finally {
    signal.removeEventListener('abort', stop)
    await child.stop()
  }
}

/** Lines with their `\n` (or `\r\n`), as Python's readline() gives them; a last line without one too. */
async function* linesKeepingEnds(bytes: ReadableStream<Uint8Array>, max: number, tooLong: () => Error): AsyncGenerator<string> {
  let pending = ''
  for await (const piece of textOf(bytes)) {
    let start = 0
    let at: number
    while ((at = piece.indexOf('\n', start)) >= 0) {
      const line = pending + piece.slice(start, at + 1)
      pending = ''
      if (Buffer.byteLength(line) > max) throw tooLong()
      yield line
      start = at + 1
    }
    pending += piece.slice(start)
    if (pending.length > max) throw tooLong()
  }
  if (Buffer.byteLength(pending) > max) throw tooLong()
  if (pending) yield pending
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined, timedOut: () => Error): Promise<T> {
  if (ms === undefined) return promise
  let timer: ReturnType<typeof setTimeout> | undefined
  const expiry = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timedOut()), ms)))
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer))
}

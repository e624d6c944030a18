// `mc run [FILE.yml] [WORKFLOW] [-i JSON|@FILE|-] [-o FILE]`: runs one workflow
// once. A streamed output is written chunk by chunk as it arrives: text pieces
// as they are, whole messages (an upstream's SSE events) and values one per
// line, bytes untouched. A reader that goes away (`| head`) ends the run quietly.
// A job's interrupt asks on the terminal (interrupt-prompt.ts).

import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { jsonText } from '../../core/http/json-response.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { isMessageStream } from '../../core/stream/framing.ts'
import { isStream } from '../../core/stream/stream.ts'
import { inSession } from '../../core/workflow/run-scope.ts'
import type { CliArgs } from '../invocation/args.ts'
import { promptSession } from './interrupt-prompt.ts'
import { loadProject } from '../invocation/project.ts'
import { onShutdown } from '../invocation/shutdown.ts'
import { startTracingOf } from '../invocation/tracing.ts'

export async function runCommand(args: CliArgs): Promise<number> {
  const positionals = [...args.positionals]
  const files = [...args.files]
  if (positionals[0] && /\.ya?ml$/i.test(positionals[0])) files.push(positionals.shift()!)
  const workflowId = positionals.shift()
  if (positionals.length > 0) throw new Error(`run: unexpected argument "${positionals[0]}"`)
  const input = await readInput(args.input)

  const { model, log } = await loadProject(args, files)
  const runtime = new Runtime(model, log)
  await runtime.prepare()
  const tracing = startTracingOf(model, log)
  const abort = new AbortController()
  onShutdown(async () => {
    abort.abort(new Error('interrupted'))
    await runtime.stop()
    await tracing?.stop()
  })
  const sink = args.output ? createWriteStream(args.output) : process.stdout
  let readerGone = false
  sink.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return
    readerGone = true
    abort.abort(new Error('the reader of the output went away'))
  })
  const write = (data: string | Uint8Array) =>
    new Promise<void>((resolve, reject) => sink.write(data, (error) => (error && !readerGone ? reject(error) : resolve())))
  try {
    // The command line names the workflow positionally, not by the API's `workflow_id`.
    const workflow = runtime.workflow(workflowId, 'a workflow name (mc run [FILE.yml] WORKFLOW)')
    const output = await inSession(promptSession(args.autoResume), () => runtime.run(workflow, input, abort.signal))
    if (isStream(output)) {
      const messages = isMessageStream(output)
      let endsLine = true
      for await (const chunk of output) {
        if (readerGone) break
        if (messages && chunk === '') continue // an event with no data
        const piece = pieceOf(chunk, messages)
        await write(piece)
        endsLine = typeof piece !== 'string' || piece.endsWith('\n')
      }
      if (!args.output && !endsLine) await write('\n')
    } else if (output instanceof Uint8Array) await write(output)
    else {
      const text = typeof output === 'string' ? output : jsonText(output ?? null, 2)
      await write(args.output ? text : `${text}\n`)
    }
    if (args.output) await new Promise<void>((resolve) => (sink as ReturnType<typeof createWriteStream>).end(resolve))
    return 0
  } catch (error) {
    if (readerGone) return 0
    throw error
  } finally {
    await runtime.stop()
    await tracing?.stop()
  }
}

/** How a streamed chunk is written: bytes and text pieces as they are; messages and values a line each. */
function pieceOf(chunk: unknown, messages: boolean): string | Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (typeof chunk === 'string') return messages ? `${chunk}\n` : chunk
  return `${jsonText(chunk)}\n`
}

/** `-i JSON`, `-i @FILE` or `-i -` (standard input). */
async function readInput(option: string | undefined): Promise<unknown> {
  if (option === undefined) return {}
  let text = option
  let from = '-i'
  if (option === '-') {
    text = await Bun.stdin.text()
    from = '-i - (standard input)'
  } else if (option.startsWith('@')) {
    from = `-i ${option}`
    try {
      text = await readFile(option.slice(1), 'utf8')
    } catch {
      throw new Error(`${from}: cannot read ${option.slice(1)}`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`${from}: not valid JSON: ${(error as Error).message}`)
  }
}

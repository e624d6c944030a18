// `mc run [FILE.yml] [WORKFLOW] [-i JSON] [-o FILE]`: runs one workflow once.
// A streamed output is written chunk by chunk as it arrives.

import { createWriteStream } from 'node:fs'
import { Runtime } from '../../core/runtime.ts'
import { isStream } from '../../core/stream/operators.ts'
import type { CliArgs } from '../args.ts'
import { loadProject } from '../project.ts'
import { onShutdown } from '../shutdown.ts'

export async function runCommand(args: CliArgs): Promise<number> {
  const positionals = [...args.positionals]
  const files = [...args.files]
  if (positionals[0] && /\.ya?ml$/i.test(positionals[0])) files.push(positionals.shift()!)
  const workflowId = positionals.shift()
  if (positionals.length > 0) throw new Error(`run: unexpected argument "${positionals[0]}"`)
  const input = parseInput(args.input)

  const { model, log } = await loadProject(args, files)
  const runtime = new Runtime(model, log)
  await runtime.prepare()
  const abort = new AbortController()
  onShutdown(async () => {
    abort.abort(new Error('interrupted'))
    await runtime.stop()
  })
  try {
    const workflow = runtime.workflow(workflowId)
    const output = await runtime.run(workflow, input, abort.signal)
    const sink = args.output ? createWriteStream(args.output) : process.stdout
    const write = (text: string) => new Promise<void>((resolve, reject) => sink.write(text, (error) => (error ? reject(error) : resolve())))
    if (isStream(output)) {
      let last = ''
      for await (const chunk of output) {
        last = typeof chunk === 'string' ? chunk : `${JSON.stringify(chunk)}\n`
        await write(last)
      }
      if (!args.output && last && !last.endsWith('\n')) await write('\n')
    } else {
      const text = typeof output === 'string' ? output : JSON.stringify(output ?? null, null, 2)
      await write(args.output ? text : `${text}\n`)
    }
    if (args.output) await new Promise<void>((resolve) => (sink as ReturnType<typeof createWriteStream>).end(resolve))
    return 0
  } finally {
    await runtime.stop()
  }
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {}
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`-i: not valid JSON: ${(error as Error).message}`)
  }
}

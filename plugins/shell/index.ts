// The `shell` component: runs a command; `${stdout}` and `${stderr}` are its
// output (one trailing newline removed, as `$(...)` does). A non-zero exit is
// an error carrying stderr; `timeout` and cancellation kill the process. It runs
// under a supervisor (core/process/supervisor.ts): what it leaves running in
// the background when it ends, is cancelled, or mc dies, is killed with it.

import { Type, type Static } from '@sinclair/typebox'
import { resolve } from 'node:path'
import { Duration, toMilliseconds } from '../../core/compose/duration.ts'
import { toText } from '../../core/binding/convert.ts'
import { defineComponentPlugin } from '../../core/plugin/api.ts'
import { SupervisedProcess } from '../../core/process/supervised.ts'

const ShellActionSchema = Type.Object({
  command: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Unknown())], { errorMessage: 'expected a command: text, or a list of arguments' })),
  args: Type.Optional(Type.Array(Type.Unknown())),
  cwd: Type.Optional(Type.String()),
  env: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  timeout: Type.Optional(Duration),
})

type ShellAction = Static<typeof ShellActionSchema>

export const shellPlugin = defineComponentPlugin<Record<string, never>, ShellAction>({
  type: 'shell',
  action: ShellActionSchema,
  defaultOutput: '${stdout}',
  checkAction(action) {
    if (action.command === undefined) throw new Error('needs "command"')
  },
  create(_settings, { env, baseDir }) {
    return {
      async run(action, { signal }) {
        const argv = commandLine(action)
        const child = new SupervisedProcess(argv, {
          cwd: resolve(baseDir, action.cwd ?? '.'),
          env: { ...env, ...Object.fromEntries(Object.entries(action.env ?? {}).map(([k, v]) => [k, toText(v)])) },
          graceMs: 0, // SIGKILL at once, as ever for a shell command
        })
        const stop = () => void child.stop()
        signal.addEventListener('abort', stop, { once: true })
        const timeoutMs = action.timeout === undefined ? undefined : toMilliseconds(action.timeout)
        let timedOut = false
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => ((timedOut = true), stop()), timeoutMs)
        try {
          const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
          signal.throwIfAborted()
          if (timedOut) throw new Error(`command timed out after ${timeoutMs! / 1000}s: ${argv[0]}`)
          if (code !== 0) throw new Error(`command exited with code ${code}: ${argv[0]}${stderr.trim() ? `: ${lastLines(stderr)}` : ''}`)
          return { stdout: chomp(stdout), stderr: chomp(stderr) }
        } finally {
          clearTimeout(timer)
          signal.removeEventListener('abort', stop)
        }
      },
    }
  },
})

/** A list runs as it is; text alone runs through `sh -c`; text with `args` is the program. */
function commandLine(action: ShellAction): string[] {
  const args = (action.args ?? []).map(toText)
  if (Array.isArray(action.command)) return [...action.command.map(toText), ...args]
  const command = toText(action.command)
  return args.length > 0 ? [command, ...args] : ['sh', '-c', command]
}

function chomp(text: string): string {
  return text.replace(/\r?\n$/, '')
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ')
}

export default shellPlugin

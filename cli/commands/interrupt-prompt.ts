// `mc run` at a job's interrupt (model-compose's `run` does the same): the
// message and metadata go to stderr, then a line is read from the terminal —
// empty to go on unchanged, JSON or text as the answer. With --auto-resume it
// goes on without asking; without a terminal to ask, the run fails saying so.

import { RunJournal } from '../../core/workflow/run-journal.ts'
import type { TaskSession } from '../../core/workflow/run-scope.ts'
import type { InterruptPoint } from '../../core/tasks/store/task-store.ts'

export function promptSession(autoResume: boolean): TaskSession {
  let lines: AsyncIterator<string> | undefined
  return {
    journal: new RunJournal(),
    async ask(point: InterruptPoint): Promise<unknown> {
      const where = `job "${point.job_id}"${point.run_id === null ? '' : ` (run ${point.run_id})`}, ${point.phase}`
      process.stderr.write(`interrupt at ${where}${point.message ? `: ${point.message}` : ''}\n`)
      if (point.metadata !== null && point.metadata !== undefined) process.stderr.write(`${JSON.stringify(point.metadata, null, 2)}\n`)
      if (autoResume) return null
      if (!process.stdin.isTTY) throw new Error(`the run stops for an answer at ${where}, and there is no terminal to ask: use --auto-resume to go on without one`)
      process.stderr.write('Press Enter to continue, or type an answer (JSON or text): ')
      lines ??= console[Symbol.asyncIterator]()
      const { value, done } = await lines.next()
      const raw = done ? '' : value.trim()
      if (raw === '') return null
      try {
        return JSON.parse(raw)
      } catch {
        return raw
      }
    },
  }
}

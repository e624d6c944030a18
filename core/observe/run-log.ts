// The run log of `mc up`: one line per run as it ends, in the terminal and in
// the background mc's log (.mc/mc.log):
//
//   2026-01-02T03:04:05.678Z run chat (task 01J...) completed in 1.234 s, first chunk after 0.120 s
//   2026-01-02T03:04:05.678Z run chat (task 01J...) failed in 0.051 s: upstream answered 401 ...
//
// With -v, a line per job too (debug). The time is when the run ended; the
// error is the span's, already masked (recording-span.ts), and the logger
// masks again. A request refused before its run exists (an unknown workflow,
// a limit) has no run span, and one whose task the store refused (an outage,
// logged once by core/tasks/guarded-store.ts) is marked `task.refused`:
// neither has a line here.

import type { Logger } from '../log.ts'
import { addObserver } from './observers.ts'
import type { Span, SpanStatus } from './span.ts'

const STATUS_WORDS: Record<SpanStatus, string> = { ok: 'completed', error: 'failed', cancelled: 'cancelled' }

export interface RunLogOptions {
  /**
   * Whether a line starts with its time. Off where every line is stamped
   * already (the background mc's log, cli/detach/rotating-log.ts).
   */
  stamp: boolean
}

/** Starts logging runs (and, at debug level, jobs) to `log`; returns the function that stops it. */
export function startRunLog(log: Logger, options: RunLogOptions): () => void {
  const stamped = (span: Span, text: string) => (options.stamp ? `${new Date(span.endedAt ?? Date.now()).toISOString()} ${text}` : text)
  return addObserver({
    onEnd(span) {
      if (span.kind === 'run') {
        if (span.attributes['task.refused'] !== true) log.info(stamped(span, runLine(span)))
      }
      else if (span.kind === 'job') log.debug(stamped(span, jobLine(span)))
    },
  })
}

/** `run WORKFLOW (task ID) completed in 1.234 s, first chunk after 0.120 s`, or `failed in ... : error`. */
function runLine(span: Span): string {
  const task = span.attributes['task.id'] ?? '?'
  const head = `run ${span.name} (task ${task})`
  if (span.attributes['task.handed_over'] === true) return `${head} handed over to another process after ${seconds(span, span.endedAt)}`
  const firstChunk = span.firstChunkAt !== undefined ? `, first chunk after ${seconds(span, span.firstChunkAt)}` : ''
  return `${head} ${outcome(span)}${firstChunk}${detail(span)}`
}

/** `job WORKFLOW/JOB (task ID) completed in 0.500 s`: its task is its run's. */
function jobLine(span: Span): string {
  const task = runOf(span)?.attributes['task.id']
  const next = span.attributes['job.next_job_id'] !== undefined ? `, next: ${span.attributes['job.next_job_id']}` : ''
  const retries = span.retries > 0 ? `, ${span.retries} retr${span.retries === 1 ? 'y' : 'ies'}` : ''
  return `job ${span.attributes['workflow.id'] ?? '?'}/${span.name}${task ? ` (task ${task})` : ''} ${outcome(span)}${next}${retries}${detail(span)}`
}

function outcome(span: Span): string {
  return `${STATUS_WORDS[span.status ?? 'ok']} in ${seconds(span, span.endedAt)}`
}

/** The error, unless it only repeats the status (a cancel's reason is often just "cancelled"). */
function detail(span: Span): string {
  const { status = 'ok', error } = span
  return status !== 'ok' && error && error !== STATUS_WORDS[status] ? `: ${error}` : ''
}

function seconds(span: Span, at: number | undefined): string {
  return `${(((at ?? span.startedAt) - span.startedAt) / 1000).toFixed(3)} s`
}

function runOf(span: Span): Span | undefined {
  let current: Span | undefined = span.parent
  while (current && current.kind !== 'run') current = current.parent
  return current
}

// Where a task's run stands, carried by AsyncLocalStorage through everything
// the run calls (jobs, component runs, the workflows a component runs — an
// agent's tools — and the components a plugin runs): the task's session (its
// journal and how it waits for an answer) and a deterministic call path,
// `main#0 > write#0 > file-writer#0`. Each step is numbered by the order
// of its calls under its parent, so that a replay of the run (the journal's
// results in place of the runs) reaches the same paths.

import { AsyncLocalStorage } from 'node:async_hooks'
import type { InterruptPoint } from '../tasks/store/task-store.ts'
import type { RunJournal } from './run-journal.ts'

/** What a task gives its run (core/controller/task-run.ts). */
export interface TaskSession {
  readonly journal: RunJournal
  /** Waits for the answer at an interrupt point; `key` names the point within the run. */
  ask(point: InterruptPoint, key: string): Promise<unknown>
}

interface Scope {
  session: TaskSession
  path: string
  /** Calls made so far under each path, by name: shared by the whole run. */
  counters: Map<string, number>
}

const storage = new AsyncLocalStorage<Scope>()

/** Runs `work` as the task's run: from the root path. */
export function inSession<T>(session: TaskSession, work: () => T): T {
  return storage.run({ session, path: '', counters: new Map() }, work)
}

/** The session and path of the run this is part of; undefined outside a task. */
export function currentRun(): { session: TaskSession; path: string } | undefined {
  return storage.getStore()
}

/**
 * Runs `work` one step deeper, at `name#n` (n: the calls of `name` made under
 * the current path before this one). Numbered at the call, before anything awaits.
 */
export function inStep<T>(name: string, work: (path: string | undefined) => T): T {
  const scope = storage.getStore()
  if (!scope) return work(undefined)
  const counter = `${scope.path}\u0000${name}`
  const n = scope.counters.get(counter) ?? 0
  scope.counters.set(counter, n + 1)
  const path = scope.path === '' ? `${name}#${n}` : `${scope.path} > ${name}#${n}`
  return storage.run({ ...scope, path }, () => work(path))
}

/**
 * Decides once for the run (a random choice): journaled as `name` at the
 * current path, so that a replay of the run decides the same — when that
 * earlier decision is still `usable` (the compose file may have changed).
 */
export async function decidedOnce<T>(name: string, decide: () => Promise<T>, usable: (value: unknown) => value is T): Promise<T> {
  const run = currentRun()
  if (!run) return decide()
  const key = `${run.path} @${name}`
  const earlier = run.session.journal.decision(key)
  if (earlier && usable(earlier.value)) return earlier.value
  const value = await decide()
  run.session.journal.decided(key, value)
  return value
}

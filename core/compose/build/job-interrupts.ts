// A job's `interrupt` (model-compose 0.4.92): for each phase, true or
// {condition, message, metadata}, compiled once. Its templates may read the
// job's own `${job.input}` (and, after, `${job.output}`) besides the workflow's.

import { BINDING_ROOTS } from '../../binding/names.ts'
import type { Operator } from '../../binding/operators.ts'
import type { InterruptPhase, InterruptSpec, JobInterrupts } from '../../model/job-contract.ts'
import type { Doc, Path } from '../../model/doc.ts'
import { compileAt } from './compile-at.ts'

const INTERRUPT_ROOTS = [...BINDING_ROOTS, 'job']

/** The job's interrupt points; undefined when none is set (`false` everywhere). */
export function interruptsOf(raw: unknown, root: Doc, path: Path): JobInterrupts | undefined {
  if (raw === undefined) return undefined
  const interrupts: JobInterrupts = {}
  for (const phase of ['before', 'after'] as InterruptPhase[]) {
    const point = (raw as Doc)[phase]
    if (point === undefined || point === false) continue
    interrupts[phase] = point === true ? {} : specOf(point as Doc, root, [...path, 'interrupt', phase])
  }
  return Object.keys(interrupts).length > 0 ? interrupts : undefined
}

function specOf(point: Doc, root: Doc, at: Path): InterruptSpec {
  const compile = (source: unknown, key: Path) => compileAt(source, root, [...at, ...key], INTERRUPT_ROOTS)
  const condition = point.condition as Doc | undefined
  return {
    ...(condition
      ? {
          condition: {
            operator: (condition.operator as Operator | undefined) ?? 'eq',
            input: compile(condition.input ?? null, ['condition', 'input']),
            value: compile(condition.value ?? null, ['condition', 'value']),
          },
        }
      : {}),
    ...(point.message !== undefined ? { message: compile(point.message, ['message']) } : {}),
    ...(point.metadata !== undefined ? { metadata: compile(point.metadata, ['metadata']) } : {}),
  }
}

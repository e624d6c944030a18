// Tracing for a command that runs workflows (`mc up`, `mc run`): the file's
// tracers (core/trace/), their dropped spans counted where /metrics reads them.
// Started here rather than in the runtime, which metrics depend on.

import type { Logger } from '../../core/log.ts'
import { countDroppedSpans } from '../../core/metrics/dropped-spans.ts'
import type { ComposeModel } from '../../core/model/compose-model.ts'
import { startTracing, type Tracing } from '../../core/trace/tracing.ts'

export function startTracingOf(model: ComposeModel, log: Logger): Tracing | undefined {
  return startTracing(model.tracers ?? [], { env: model.env, log: log.child('trace'), countDropped: countDroppedSpans })
}

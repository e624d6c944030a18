// A run let in as every entry point lets one in (the HTTP API, /v1, the
// WebSocket): first the caller's key (its concurrent_runs: 429), then mc's
// MC_MAX_RUNS / MC_MAX_BACKGROUND_RUNS (503), both at once when full, nothing
// started or stored. Its places are given back when the run settles.

import type { KeyHolder } from '../http/api-keys.ts'
import type { WorkflowModel } from '../model/compose-model.ts'
import { TaskRun, type TaskRunContext } from './task-run.ts'

export async function admittedRun(workflow: WorkflowModel, background: boolean, options: TaskRunContext & { caller?: KeyHolder | undefined }): Promise<TaskRun> {
  const leaveKey = options.caller?.limiter.takeRun()
  let leave = leaveKey ?? (() => {})
  try {
    const leaveMc = options.admission.admit(background)
    leave = () => (leaveMc(), leaveKey?.())
    // The key's name goes on the run's span (metrics, traces): never the key.
    const run = await TaskRun.create(workflow, background, options, options.caller ? { 'api_key.name': options.caller.name } : undefined)
    void run.settled.finally(leave)
    return run
  } catch (error) {
    leave()
    throw error
  }
}

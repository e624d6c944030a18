// What every adapter serving this controller's runs shares (the HTTP API, the
// MCP server): one `max_concurrent_count`, one MC_MAX_RUNS / MC_MAX_BACKGROUND_RUNS
// admission, and one table of live tasks, so a cancel reaches a run whichever
// adapter started it.

import type { ControllerModel } from '../model/compose-model.ts'
import { LiveTasks } from '../tasks/live-tasks.ts'
import { Semaphore } from '../workflow/semaphore.ts'
import { RunAdmission } from './run-admission.ts'
import type { ControllerSettings } from './settings.ts'

export interface SharedRuns {
  live: LiveTasks
  slots: Semaphore
  admission: RunAdmission
}

export function sharedRunsOf(controller: ControllerModel, settings: ControllerSettings): SharedRuns {
  return {
    live: new LiveTasks(),
    slots: new Semaphore(controller.maxConcurrentCount),
    admission: new RunAdmission({ maxRuns: settings.maxRuns, maxBackgroundRuns: settings.maxBackgroundRuns, maxWaitingInterrupts: settings.maxWaitingInterrupts }),
  }
}

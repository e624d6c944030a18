// The output of a run that another process records in the task store: a queue
// worker sharing the store claimed the task (core/queue/worker/claimed-task.ts) and
// streams its events there. The process that created the task lets go of it
// and serves its clients from the store (follow.ts), so that it can restart
// mid-stream and lose nothing a client can resume.

export class RecordedElsewhere {
  constructor(readonly taskId: string) {}
}

// The Gradio queue: sessions, each named by its client and session_hash
// (client-identity.ts), at most `maxSessions` of them with at most
// `sessionRuns` runs each, and the runs that feed them. A run goes to the
// controller's HTTP API; its answer becomes the protocol's messages:
// estimation, process_starts, process_generating (the first whole, then diffs:
// text appended, list items added), process_completed. A client's cancel
// (POST /cancel, @gradio/client's job.cancel()) aborts its run and cancels its task.
// How a session is read, bounded and expired: gradio-session.ts.

import { busy, messageOf } from '../errors.ts'
import type { ControllerClient, WorkflowInfo } from './controller-client.ts'
import type { JoinRequest } from './gradio-join.ts'
import { GradioSession, sessionNotFound, type Message, type SessionLimits } from './gradio-session.ts'
import type { WebUiSettings } from './webui-settings.ts'

export class GradioQueue {
  private readonly sessions = new Map<string, GradioSession>()
  /** The runs going, by session key and event id: what a cancel stops. */
  private readonly running = new Map<string, { run: AbortController; controller: ControllerClient; taskId?: string }>()
  private readonly limits: SessionLimits
  private nextEvent = 1

  constructor(
    private readonly settings: WebUiSettings,
    heartbeatSeconds: number,
  ) {
    this.limits = { maxBytes: settings.sessionBytes, timeoutMs: settings.sessionTimeoutSeconds * 1000, heartbeatMs: heartbeatSeconds * 1000 }
  }

  /** Starts a run in the client's session (opened if need be); its messages wait for the session's reader. */
  join(client: string, request: JoinRequest, workflows: WorkflowInfo[], controller: ControllerClient): string {
    const key = `${client}:${request.sessionHash}`
    const session = this.sessions.get(key) ?? this.open(key)
    if (session.runCount >= this.settings.sessionRuns) {
      throw busy(`this session already has ${session.runCount} runs going (MC_WEBUI_SESSION_RUNS): wait for one to finish`)
    }
    const workflow = workflows[request.fnIndex]!
    const input: Record<string, unknown> = {}
    workflow.input.forEach((field, i) => {
      const value = request.data[i]
      if (value !== null && value !== undefined && value !== '') input[field.name] = value
    })
    const event_id = `mc-${this.nextEvent++}`
    const run = session.startRun()
    const send = (message: Message) => session.send({ ...message, event_id })
    const entry: { run: AbortController; controller: ControllerClient; taskId?: string } = { run, controller }
    this.running.set(`${key}/${event_id}`, entry)
    void this.process(controller, workflow, input, run.signal, send, (taskId) => (entry.taskId = taskId)).finally(() => {
      this.running.delete(`${key}/${event_id}`)
      session.endRun(run)
    })
    return event_id
  }

  /** Stops a run of the client's session: its request to the controller is aborted and its task cancelled. False when no such run goes on. */
  cancel(client: string, sessionHash: string, eventId: string): boolean {
    const entry = this.running.get(`${client}:${sessionHash}/${eventId}`)
    if (!entry) return false
    if (entry.taskId) void entry.controller.cancel(entry.taskId).catch(() => {}) // already over: nothing to cancel
    entry.run.abort(new Error('cancelled by the client'))
    return true
  }

  /** The client's session as an SSE response; for an unknown one, Gradio's "session not found" at once. */
  read(client: string, sessionHash: string): Response {
    return this.sessions.get(`${client}:${sessionHash}`)?.read() ?? sessionNotFound()
  }

  private open(key: string): GradioSession {
    if (this.sessions.size >= this.settings.maxSessions) {
      throw busy(`the web UI has ${this.sessions.size} Gradio sessions open, its most (MC_WEBUI_MAX_SESSIONS): try again shortly`)
    }
    const session = new GradioSession(this.limits, () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key)
    })
    this.sessions.set(key, session)
    return session
  }

  /** One run, as messages; each send waits while the session's reader is behind. */
  private async process(controller: ControllerClient, workflow: WorkflowInfo, input: Record<string, unknown>, signal: AbortSignal, send: (message: Message) => Promise<void> | undefined, onTask: (taskId: string) => void): Promise<void> {
    await send({ msg: 'estimation', rank: 0, queue_size: 1, rank_eta: null })
    await send({ msg: 'process_starts', eta: null })
    try {
      const answer = await controller.run(workflow, input, signal, onTask)
      if (answer.kind === 'value') {
        await send({ msg: 'process_completed', success: true, output: { data: [answer.value], is_generating: false } })
        return
      }
      // The first message carries the whole value; the next ones only what changed.
      const json = answer.format === 'sse-json'
      let whole: string | unknown[] = json ? [] : ''
      let first = true
      for await (const chunk of answer.chunks) {
        if (json) (whole as unknown[]).push(chunk)
        else whole = `${whole as string}${chunk as string}`
        const data = first ? [json ? [...(whole as unknown[])] : whole] : [json ? [['add', [(whole as unknown[]).length - 1], chunk]] : [['append', [], chunk]]]
        first = false
        await send({ msg: 'process_generating', success: true, output: { data, is_generating: true } })
      }
      await send({ msg: 'process_completed', success: true, output: { data: [whole], is_generating: false } })
    } catch (error) {
      await send({ msg: 'process_completed', success: false, output: { error: messageOf(error) } })
    }
  }
}

// The open WebSocket connections of one server, by session (`?session=`). An
// HTTP run request naming one (`POST /workflows/runs?session_id=…` with
// `"subscribe_task": true`, model-compose's REST + WebSocket pattern) has its
// task's messages pushed to that connection.

import type { SocketConnection } from './connection.ts'

interface Session {
  connection: SocketConnection
  /** Subscribes the connection to a task as `subscribe_task` does, its first message a `task_state`; failures are sent to it. */
  subscribe(taskId: string): Promise<void>
}

export class SocketSessions {
  private readonly open = new Map<string, Session>()

  get size(): number {
    return this.open.size
  }

  has(session: string): boolean {
    return this.open.has(session)
  }

  add(session: string, connection: SocketConnection, subscribe: (taskId: string) => Promise<void>): void {
    this.open.set(session, { connection, subscribe })
  }

  /** Forgets the session, if `connection` still holds it. */
  remove(session: string, connection: SocketConnection): void {
    if (this.open.get(session)?.connection === connection) this.open.delete(session)
  }

  /** How to subscribe the session's connection to a task; undefined when no connection of that session is open. */
  subscriberOf(session: string): ((taskId: string) => Promise<void>) | undefined {
    const open = this.open.get(session)
    return open && !open.connection.isClosed ? open.subscribe : undefined
  }
}

// The channel between mc and a model's child process (plugins/model/process/
// channel.ts): log lines the child sends while mc is not reading are dropped
// past a bound, and the next line that goes out says how many were lost.

import { afterEach, expect, test } from 'bun:test'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Channel, type WorkerMessage } from '../../../plugins/model/process/channel.ts'

let server: Server | undefined
afterEach(() => server?.close())

/** A connected pair over TCP on 127.0.0.1: the child's end and mc's end. */
async function socketPair(): Promise<{ child: Socket; host: Socket }> {
  const host = new Promise<Socket>((resolve) => {
    server = createServer(resolve).listen(0, '127.0.0.1')
  })
  await new Promise((resolve) => server!.once('listening', resolve))
  const child = connect((server!.address() as { port: number }).port, '127.0.0.1')
  await new Promise((resolve) => child.once('connect', resolve))
  return { child, host: await host }
}

const withDropped = (message: WorkerMessage, dropped: number): WorkerMessage => (message.t === 'log' ? { ...message, message: `(${dropped} dropped) ${message.message}` } : message)

test('log lines sent while mc does not read stop growing the buffer; the next one that goes out counts the lost ones', async () => {
  const { child, host } = await socketPair()
  const received: WorkerMessage[] = []
  const channel = new Channel<never, WorkerMessage>(child, () => {}, () => {})
  new Channel<WorkerMessage, never>(host, (message) => received.push(message), () => {})
  host.pause() // mc busy: it takes nothing (after the channel's 'data' listener, which starts the flow)

  const line = 'x'.repeat(1024)
  let most = 0
  for (let i = 0; i < 20_000; i++) {
    channel.sendOrDrop({ t: 'log', level: 'info', message: line }, withDropped)
    most = Math.max(most, child.writableLength)
  }
  // 20 MB were offered; what waits stays near the 1 MiB bound.
  expect(most).toBeLessThan(1024 * 1024 + 4096)

  host.resume()
  while (received.length === 0 || child.writableLength > 0) await Bun.sleep(10)
  channel.sendOrDrop({ t: 'log', level: 'info', message: 'after' }, withDropped)
  while (received.at(-1)?.t !== 'log' || !(received.at(-1) as { message: string }).message.endsWith('after')) await Bun.sleep(10)
  const last = received.at(-1) as { message: string }
  const dropped = Number(/^\((\d+) dropped\) after$/.exec(last.message)?.[1])
  expect(dropped).toBeGreaterThan(0)
  expect(received.length - 1 + dropped).toBe(20_000)
  child.destroy()
  host.destroy()
})

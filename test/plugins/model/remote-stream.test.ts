// The stream mc reads from a model's child process (plugins/model/process/remote-stream.ts):
// the child may send only what mc has given credit for, so mc never holds more
// than a window of unread chunks, however slowly the stream is read; reading
// nothing asks for nothing; stopping early tells the child.
import { expect, test } from 'bun:test'
import { RemoteStream } from '../../../plugins/model/process/remote-stream.ts'

/** A child that sends chunks exactly as far as its credit goes, counting what mc holds unread. */
function child() {
  const state = { credit: 0, sent: 0, abandoned: false }
  const stream: RemoteStream = new RemoteStream({
    credit: (n) => {
      state.credit += n
      while (state.credit > 0 && state.sent < 1000) {
        state.credit--
        stream.push(state.sent++)
      }
      if (state.sent === 1000) stream.end()
    },
    abandon: () => void (state.abandoned = true),
    drop: () => {},
  })
  return { stream, state }
}

test('a stream nobody reads asks for nothing', () => {
  const { state } = child()
  expect(state.sent).toBe(0)
})

test('mc holds at most 64 unread chunks, and every chunk arrives in order', async () => {
  const { stream, state } = child()
  const read: unknown[] = []
  for await (const chunk of stream) {
    read.push(chunk)
    expect(state.sent - read.length).toBeLessThanOrEqual(64)
  }
  expect(read).toEqual([...Array(1000).keys()])
})

test('stopping early tells the child, which stops sending', async () => {
  const { stream, state } = child()
  for await (const chunk of stream) if (chunk === 3) break
  expect(state.abandoned).toBe(true)
  expect(state.sent).toBe(64)
})

test('a failure after some chunks reaches the reader once those are read', async () => {
  const stream = new RemoteStream({ credit: () => {}, abandon: () => {}, drop: () => {} })
  stream.push('a')
  stream.fail(new Error("the model's process (pid 1) was killed by SIGKILL"))
  const read: unknown[] = []
  await expect(
    (async () => {
      for await (const chunk of stream) read.push(chunk)
    })(),
  ).rejects.toThrow('was killed by SIGKILL')
  expect(read).toEqual(['a'])
})

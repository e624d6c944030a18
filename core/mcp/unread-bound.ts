// A tool call's answer over Streamable HTTP is an SSE stream the SDK's
// transport writes into without back-pressure: each progress notification is
// queued whether or not the client reads. This pass-through takes the SDK's
// chunks as they come and holds at most `maxBytes` the client has not read;
// past that the client is too slow for its stream: the answer ends and `onOverflow`
// cancels the calls it carried, as a client that left would.

export function boundUnread(response: Response, maxBytes: number, onOverflow: () => void): Response {
  if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return response
  const source = response.body.getReader()
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        void (async () => {
          try {
            for (let next = await source.read(); !next.done; next = await source.read()) {
              controller.enqueue(next.value)
              if ((controller.desiredSize ?? 0) < 0) {
                onOverflow()
                controller.error(new Error(`the MCP client left more than ${maxBytes} bytes of its answer unread (MC_MCP_UNREAD_BYTES)`))
                await source.cancel()
                return
              }
            }
            controller.close()
          } catch (error) {
            try {
              controller.error(error)
            } catch {} // already errored or cancelled by the client
          }
        })()
      },
      cancel: (reason) => source.cancel(reason),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxBytes }),
  )
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}

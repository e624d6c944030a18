// A JSON HTTP answer, as every mc server gives them. Bytes in a value (an
// upstream's binary answer, an uploaded file) are written as base64 text.

export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, bytesAsBase64, indent)
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(jsonText(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

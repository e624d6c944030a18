// Who sent a request, as far as the Web UI can tell: the peer's address and
// the credentials it sent (Authorization). A Gradio session belongs to the
// client that joined it: its session_hash names it only together with this,
// so a reader elsewhere, or without the same credentials, never finds it.

import { createHash } from 'node:crypto'

interface PeerAddresses {
  requestIP(request: Request): { address: string } | null
}

/** A digest, so the credentials are not kept as they are. */
export function clientIdentity(request: Request, server: PeerAddresses | null | undefined): string {
  const address = server?.requestIP(request)?.address ?? ''
  return createHash('sha256')
    .update(`${address}\n${request.headers.get('authorization') ?? ''}`)
    .digest('base64url')
}

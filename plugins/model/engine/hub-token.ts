// `model.token`: the Hub access token of one repository. transformers.js only
// reads HF_TOKEN from the environment (one token for every repository, and
// only for huggingface.co), so its fetch is wrapped once to add each
// repository's own token to the requests for that repository's files.

import { registerSecret } from '../../../core/plugin/api.ts'

type Lib = typeof import('@huggingface/transformers')
type Fetch = (input: string | URL, init?: { headers?: Headers }) => Promise<unknown>

const tokens = new Map<string, string>()
let wrapped = false

export function useHubToken(lib: Lib, repository: string, token: string): void {
  registerSecret(token)
  tokens.set(repository, token)
  if (wrapped) return
  wrapped = true
  const fetch = lib.env.fetch as Fetch
  lib.env.fetch = ((input: string | URL, init: { headers?: Headers } = {}) => {
    const token = tokenFor(String(input))
    if (token) {
      const headers = new Headers(init.headers)
      headers.set('Authorization', `Bearer ${token}`)
      init = { ...init, headers }
    }
    return fetch(input, init)
  }) as typeof lib.env.fetch
}

/** The token of the repository a Hub URL points into: …/{repository}/resolve/{revision}/{file}. */
function tokenFor(url: string): string | undefined {
  let path: string
  try {
    path = decodeURIComponent(new URL(url).pathname)
  } catch {
    return undefined // a local path
  }
  for (const [repository, token] of tokens) if (path.includes(`/${repository}/resolve/`)) return token
  return undefined
}

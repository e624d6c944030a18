// The body of `POST /workflows/runs`, as model-compose accepts it: JSON, or a
// form (multipart/form-data, application/x-www-form-urlencoded) with nested
// keys. Anything else is refused (415): a browser page may post `text/plain`
// or a form to any site without asking, so those must not run a workflow. A
// form that a browser sends from another origin runs only when that origin is
// listed in `controller.origins` ("*" admits JSON from anywhere, not forms).

import { HttpError } from '../errors.ts'
import { parseFormBody } from '../http/form-body.ts'
import { readJsonBody, type BodyLimits } from '../http/json-body.ts'
import { mediaType } from '../http/media-type.ts'
import { readBodyBytes } from '../http/read-body.ts'

const FORMS = ['multipart/form-data', 'application/x-www-form-urlencoded']

export async function readRunBody(request: Request, limits: BodyLimits, listedOrigins: readonly string[]): Promise<unknown> {
  const header = request.headers.get('content-type') ?? ''
  const type = mediaType(header)
  if (type === 'application/json') return readJsonBody(request, limits)
  if (FORMS.includes(type)) {
    checkFormOrigin(request, listedOrigins)
    return parseFormBody(await readBodyBytes(request, limits), header, limits)
  }
  throw new HttpError(
    415,
    `${type ? `Content-Type ${type} is not accepted` : 'Content-Type is missing'}: send the run request as application/json (or as a form: ${FORMS.join(', ')})`,
  )
}

function checkFormOrigin(request: Request, listedOrigins: readonly string[]): void {
  const origin = request.headers.get('origin')
  if (origin === null || origin === new URL(request.url).origin || listedOrigins.includes(origin)) return
  throw new HttpError(403, `a form posted from ${origin} does not run workflows: list that origin in controller.origins, or send JSON`)
}
